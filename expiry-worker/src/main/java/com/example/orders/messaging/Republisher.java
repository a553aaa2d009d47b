package com.example.orders.messaging;

import com.example.orders.ExpiryProperties;
import com.example.orders.contracts.DeadLetterReason;
import com.example.orders.contracts.Headers;
import com.example.orders.contracts.RepublishReason;
import com.example.orders.contracts.Topology;
import com.example.orders.delay.CascadeTransport;
import com.example.orders.delay.Delayed;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.core.MessageBuilderSupport;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.ReturnedMessage;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.stereotype.Component;

/**
 * Sends an expiry message on again, confirmed by the broker before the caller acknowledges the
 * original: later (through the delay cascade, which every RabbitMQ has, each delay in queues of its
 * own length), or to the dead-letter queue with the reason. A crash between the two leaves a
 * duplicate, never a loss; the transaction is idempotent. A message received from a broker that parks
 * messages ({@link ParkedDelivery}, RabbitMQ 4.3+) is not copied to wait: it is parked in the work
 * queue itself, its headers changed, and nothing is published.
 *
 * <p>Routed or refused: every publish is {@code mandatory}, and a message the broker returns as
 * unroutable is a failure like a nack (the original is requeued and tried again), counted in
 * {@code orders_expiry_republish_returned_total} and logged once per cause.
 */
@Component
public class Republisher {

    private static final Logger log = LoggerFactory.getLogger(Republisher.class);

    /**
     * Headers the broker adds when it dead-letters a message. A message passing through the cascade a
     * second time would otherwise carry its first pass's x-death, and the broker drops a message that is
     * dead-lettered into a queue already in its x-death with no rejection between (a "cycle").
     */
    private static final Set<String> DEATH_HEADERS = Set.of(
            "x-death",
            "x-first-death-queue",
            "x-first-death-reason",
            "x-first-death-exchange",
            "x-last-death-queue",
            "x-last-death-reason",
            "x-last-death-exchange");

    private final RabbitTemplate rabbit;
    private final CascadeTransport cascade;
    private final MeterRegistry meters;
    private final long confirmTimeoutMillis;
    private final Set<String> loggedReturns = ConcurrentHashMap.newKeySet();

    Republisher(RabbitTemplate rabbit, CascadeTransport cascade, ExpiryProperties properties, MeterRegistry meters) {
        this.rabbit = new RabbitTemplate(rabbit.getConnectionFactory());
        this.rabbit.setMandatory(true);
        // Returns are read from each message's CorrelationData; a callback only stops the template's own
        // WARN per returned message (they are logged once per cause here).
        this.rabbit.setReturnsCallback(returned -> {});
        this.cascade = cascade;
        this.meters = meters;
        this.confirmTimeoutMillis = properties.confirmTimeout().toMillis();
    }

    /** After a rollback: back through the delay cascade in {@code delayMillis}, counted. */
    public void retryLater(Message original, long delayMillis, int republishCount, RepublishReason reason) {
        if (original instanceof ParkedDelivery parked) {
            parked.park(
                    System.currentTimeMillis() + Math.max(1, delayMillis),
                    Map.of(Headers.REPUBLISH_COUNT, republishCount, Headers.REPUBLISH_REASON, reason.code()));
            return;
        }
        Message message = copy(original)
                .setHeader(Headers.REPUBLISH_COUNT, republishCount)
                .setHeader(Headers.REPUBLISH_REASON, reason.code())
                .build();
        delay(message, Math.max(1, delayMillis));
    }

    /** The message came before the order's deadline: back through the delay cascade for the time left. */
    public void waitUntilDue(Message original, long remainingMillis) {
        if (original instanceof ParkedDelivery parked) {
            parked.park(
                    System.currentTimeMillis() + Math.max(1, remainingMillis),
                    Map.of(Headers.REPUBLISH_REASON, RepublishReason.EARLY.code()));
            return;
        }
        Message message = copy(original)
                .setHeader(Headers.REPUBLISH_REASON, RepublishReason.EARLY.code())
                .build();
        delay(message, Math.max(1, remainingMillis));
    }

    /** The message can never succeed: park it, with the reason, where an operator will see it. */
    public void deadLetter(Message original, DeadLetterReason reason, String detail) {
        Message message = copy(original)
                .setHeader(Headers.DEAD_LETTER_REASON, reason.code())
                .setHeader(Headers.DEAD_LETTER_DETAIL, detail)
                .build();
        send(Topology.EXPIRY_EXCHANGE, Topology.DEAD_KEY, message);
    }

    private void delay(Message message, long delayMillis) {
        Delayed delayed = cascade.again(delayMillis);
        send(delayed.exchange(), delayed.routingKey(), message);
    }

    private static MessageBuilderSupport<Message> copy(Message original) {
        MessageProperties received = original.getMessageProperties();
        Map<String, Object> headers = new HashMap<>(received.getHeaders());
        headers.keySet().removeAll(DEATH_HEADERS);
        return MessageBuilder.withBody(original.getBody())
                .copyHeaders(headers)
                .setContentType(received.getContentType())
                .setContentEncoding(received.getContentEncoding())
                .setMessageId(received.getMessageId())
                .setType(received.getType())
                .setDeliveryMode(MessageDeliveryMode.PERSISTENT);
    }

    /**
     * Publishes and waits for the broker's confirm of this very message (correlated confirms: a
     * channel the broker closes completes it as a nack), so the original is acked only once its
     * successor is safe. Spring records a return on the correlation before it completes the confirm.
     */
    private void send(String exchange, String routingKey, Message message) {
        CorrelationData correlation = new CorrelationData();
        rabbit.send(exchange, routingKey, message, correlation);
        CorrelationData.Confirm confirm;
        try {
            confirm = correlation.getFuture().get(confirmTimeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AmqpException("no confirm for the republished message in time", e);
        } catch (ExecutionException e) {
            throw new AmqpException("confirm of the republished message failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AmqpException("interrupted waiting for a confirm", e);
        }
        if (!confirm.ack()) {
            throw new AmqpException("broker refused the republished message: " + confirm.reason());
        }
        ReturnedMessage returned = correlation.getReturned();
        if (returned != null) {
            throw returned(returned);
        }
        if (!loggedReturns.isEmpty()) {
            log.info("Republished messages are routed again (after returns: {})", loggedReturns);
            loggedReturns.clear();
        }
    }

    private AmqpException returned(ReturnedMessage returned) {
        meters.counter("orders.expiry.republish.returned", "reason", returned.getReplyText())
                .increment();
        String cause = "%s %d %s".formatted(returned.getExchange(), returned.getReplyCode(), returned.getReplyText());
        if (loggedReturns.add(cause)) {
            log.warn(
                    "Broker returned a republished message as unroutable ({} from exchange {}, key {}): the original"
                            + " is requeued; further returns of this cause are only counted"
                            + " (orders_expiry_republish_returned_total)",
                    returned.getReplyText(),
                    returned.getExchange(),
                    returned.getRoutingKey());
        }
        return new AmqpException("the broker returned the republished message: " + returned.getReplyText());
    }
}
