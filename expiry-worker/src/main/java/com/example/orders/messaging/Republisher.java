package com.example.orders.messaging;

import com.example.orders.ExpiryProperties;
import com.example.orders.contracts.Headers;
import com.example.orders.contracts.Topology;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.stereotype.Component;

/**
 * Sends an expiry message on again, confirmed by the broker before the caller acknowledges the
 * original: later (through a TTL queue, which every RabbitMQ has), or to the dead-letter queue with
 * the reason. A crash between the two leaves a duplicate, never a loss; the transaction is idempotent.
 */
@Component
public class Republisher {

    private final RabbitTemplate rabbit;
    private final long confirmTimeoutMillis;

    Republisher(RabbitTemplate rabbit, ExpiryProperties properties) {
        this.rabbit = rabbit;
        this.confirmTimeoutMillis = properties.confirmTimeout().toMillis();
    }

    /** After a rollback: back through the retry queue in {@code delayMillis}, counted. */
    public void retryLater(Message original, long delayMillis, int republishCount, String reason) {
        Message message = copy(original)
                .setExpiration(Long.toString(Math.max(1, delayMillis)))
                .setHeader(Headers.REPUBLISH_COUNT, republishCount)
                .setHeader(Headers.REPUBLISH_REASON, reason)
                .build();
        send(Topology.RETRY_KEY, message);
    }

    /** The message came before the order's deadline: back through the wait queue for the time left. */
    public void waitUntilDue(Message original, long remainingMillis) {
        Message message = copy(original)
                .setExpiration(Long.toString(Math.max(1, remainingMillis)))
                .setHeader(Headers.REPUBLISH_REASON, "early")
                .build();
        send(Topology.WAIT_KEY, message);
    }

    /** The message can never succeed: park it, with the reason, where an operator will see it. */
    public void deadLetter(Message original, String reason, String detail) {
        Message message = copy(original)
                .setHeader(Headers.DEAD_LETTER_REASON, reason)
                .setHeader(Headers.DEAD_LETTER_DETAIL, detail)
                .build();
        send(Topology.DEAD_KEY, message);
    }

    private static org.springframework.amqp.core.MessageBuilderSupport<Message> copy(Message original) {
        MessageProperties received = original.getMessageProperties();
        return MessageBuilder.withBody(original.getBody())
                .copyHeaders(received.getHeaders())
                .setContentType(received.getContentType())
                .setContentEncoding(received.getContentEncoding())
                .setMessageId(received.getMessageId())
                .setType(received.getType())
                .setDeliveryMode(MessageDeliveryMode.PERSISTENT);
    }

    private void send(String routingKey, Message message) {
        rabbit.invoke(channel -> {
            channel.send(Topology.EXPIRY_EXCHANGE, routingKey, message);
            channel.waitForConfirmsOrDie(confirmTimeoutMillis);
            return null;
        });
    }
}
