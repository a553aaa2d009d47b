package com.example.orders.outbox;

import com.example.orders.OrdersProperties;
import com.example.orders.contracts.DelayTransport;
import com.example.orders.contracts.Headers;
import com.example.orders.contracts.Topology;
import com.example.orders.messaging.DelayTransports;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.core.MessageBuilderSupport;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.stereotype.Component;

/** Turns outbox rows into AMQP messages on the right exchange, with the delay, and waits for confirms. */
@Component
class OutboxPublisher {

    private final RabbitTemplate rabbit;
    private final DelayTransports transports;
    private final long confirmTimeoutMillis;

    OutboxPublisher(RabbitTemplate rabbit, DelayTransports transports, OrdersProperties properties) {
        this.rabbit = rabbit;
        this.transports = transports;
        this.confirmTimeoutMillis = properties.outbox().confirmTimeout().toMillis();
    }

    /**
     * Publishes the batch and returns only when the broker has confirmed every message; throws
     * otherwise (a nack, a timeout, or a channel the broker closed, whose pending confirms Spring
     * completes as nacks), and the caller's transaction then leaves the rows unsent.
     *
     * <p>Correlated confirms, one future per message, rather than {@code waitForConfirmsOrDie} on an
     * {@code invoke} channel: when the broker closes that channel mid-batch (e.g. ACCESS_REFUSED) the
     * template may carry on with a fresh channel on which the wait has nothing outstanding and returns
     * as if all was confirmed, so a refused batch could be marked sent.
     */
    void publishConfirmed(List<OutboxMessage> batch) {
        DelayTransport transport = transports.active();
        List<CorrelationData> confirms = new ArrayList<>(batch.size());
        for (OutboxMessage message : batch) {
            Routed routed = route(message, transport);
            CorrelationData correlation = new CorrelationData(message.eventId());
            rabbit.send(routed.exchange(), routed.routingKey(), routed.message(), correlation);
            confirms.add(correlation);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(confirmTimeoutMillis);
        for (CorrelationData correlation : confirms) {
            awaitAck(correlation, deadline);
        }
    }

    static void awaitAck(CorrelationData correlation, long deadlineNanos) {
        try {
            CorrelationData.Confirm confirm =
                    correlation.getFuture().get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (!confirm.ack()) {
                throw new AmqpException("broker refused message " + correlation.getId() + ": " + confirm.reason());
            }
        } catch (TimeoutException e) {
            throw new AmqpException("no confirm for message " + correlation.getId() + " in time", e);
        } catch (ExecutionException e) {
            throw new AmqpException("confirm of message " + correlation.getId() + " failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AmqpException("interrupted waiting for confirms", e);
        }
    }

    /** Where a message goes and how it waits; visible for tests. */
    record Routed(String exchange, String routingKey, Message message) {}

    static Routed route(OutboxMessage row, DelayTransport transport) {
        MessageBuilderSupport<Message> message = MessageBuilder.withBody(
                        row.payload().getBytes(StandardCharsets.UTF_8))
                .setContentType(MessageProperties.CONTENT_TYPE_JSON)
                .setContentEncoding(StandardCharsets.UTF_8.name())
                .setDeliveryMode(MessageDeliveryMode.PERSISTENT)
                .setMessageId(row.eventId())
                .setType(row.eventType())
                .setHeader(Headers.EVENT_TYPE, row.eventType());
        if (!row.isExpiry()) {
            return new Routed(Topology.EVENTS_EXCHANGE, row.routingKey(), message.build());
        }
        if (row.delayMillis() <= 0) {
            return new Routed(Topology.EXPIRY_EXCHANGE, Topology.EXPIRE_KEY, message.build());
        }
        return switch (transport) {
            case DELAYED_EXCHANGE ->
                new Routed(
                        Topology.DELAYED_EXCHANGE,
                        Topology.EXPIRE_KEY,
                        message.setHeader(Headers.DELAY, row.delayMillis()).build());
            case DEAD_LETTER_TTL ->
                new Routed(
                        Topology.EXPIRY_EXCHANGE,
                        Topology.WAIT_KEY,
                        message.setExpiration(Long.toString(row.delayMillis())).build());
            case AUTO -> throw new IllegalStateException("the delay transport is not resolved yet");
        };
    }
}
