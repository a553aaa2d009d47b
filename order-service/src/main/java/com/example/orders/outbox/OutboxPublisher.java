package com.example.orders.outbox;

import com.example.orders.OrdersProperties;
import com.example.orders.contracts.DelayTransport;
import com.example.orders.contracts.Headers;
import com.example.orders.contracts.Topology;
import com.example.orders.messaging.DelayTransports;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.core.MessageBuilderSupport;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
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

    /** Publishes every message on one channel; returns only when the broker confirmed them all. */
    void publishConfirmed(List<OutboxMessage> batch) {
        DelayTransport transport = transports.active();
        rabbit.invoke(channel -> {
            for (OutboxMessage message : batch) {
                Routed routed = route(message, transport);
                channel.send(routed.exchange(), routed.routingKey(), routed.message());
            }
            channel.waitForConfirmsOrDie(confirmTimeoutMillis);
            return null;
        });
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
