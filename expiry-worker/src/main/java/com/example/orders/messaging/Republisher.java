package com.example.orders.messaging;

import com.example.orders.ExpiryProperties;
import com.example.orders.contracts.Headers;
import com.example.orders.contracts.Topology;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.CorrelationData;
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

    /**
     * Publishes and waits for the broker's confirm of this very message (correlated confirms: a
     * channel the broker closes completes it as a nack), so the original is acked only once its
     * successor is safe.
     */
    private void send(String routingKey, Message message) {
        CorrelationData correlation = new CorrelationData();
        rabbit.send(Topology.EXPIRY_EXCHANGE, routingKey, message, correlation);
        try {
            CorrelationData.Confirm confirm = correlation.getFuture().get(confirmTimeoutMillis, TimeUnit.MILLISECONDS);
            if (!confirm.ack()) {
                throw new AmqpException("broker refused the republished message: " + confirm.reason());
            }
        } catch (TimeoutException e) {
            throw new AmqpException("no confirm for the republished message in time", e);
        } catch (ExecutionException e) {
            throw new AmqpException("confirm of the republished message failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AmqpException("interrupted waiting for a confirm", e);
        }
    }
}
