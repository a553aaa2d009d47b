package com.example.orders.outbox;

import com.example.orders.OrdersProperties;
import com.example.orders.contracts.DelayTransport;
import com.example.orders.contracts.Headers;
import com.example.orders.contracts.Topology;
import com.example.orders.delay.CascadeTransport;
import com.example.orders.delay.Delayed;
import com.example.orders.delay.ParkedTransport;
import com.example.orders.delay.PluginTransport;
import com.example.orders.messaging.DelayTransports;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
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
import org.springframework.amqp.core.ReturnedMessage;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitOperations;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.stereotype.Component;

/**
 * Turns outbox rows into AMQP messages on the right exchange, with the delay, and waits for confirms.
 *
 * <p>Routed or refused: every message bound for a queue is published {@code mandatory}, so a message
 * the broker cannot route (a binding deleted by hand, a wrong name) comes back instead of being
 * confirmed and dropped. Spring sets {@link CorrelationData#getReturned()} before it completes the
 * confirm, so the two are read together. Two publishes are not mandatory: domain events (nobody need
 * be subscribed to {@code orders.events}) and the plugin's delayed exchange, which routes only when
 * the delay is over and so returns every delayed publish as NO_ROUTE; that path stays safe because
 * {@link DelayTransports} binds the exchange to the work queue when it chooses the plugin, and the
 * worker's sweep expires any order whose message still went nowhere.
 */
@Component
class OutboxPublisher {

    private final RabbitTemplate rabbit = new RabbitTemplate();
    private final RabbitTemplate mandatory = new RabbitTemplate();
    private final DelayTransports transports;
    private final ReturnedPublishes returns;
    private final long confirmTimeoutMillis;
    private final CascadeTransport cascade;
    private final MeterRegistry meters;

    OutboxPublisher(
            ConnectionFactory connections,
            DelayTransports transports,
            CascadeTransport cascade,
            ReturnedPublishes returns,
            OrdersProperties properties,
            MeterRegistry meters) {
        // Templates of its own, not Boot's: Boot makes its template mandatory whenever publisher returns
        // are on, and domain events must not be.
        this.rabbit.setConnectionFactory(connections);
        this.mandatory.setConnectionFactory(connections);
        this.mandatory.setMandatory(true);
        // Returns are read from each message's CorrelationData; a callback only stops the template's own
        // WARN per returned message (they are logged once per cause here).
        this.mandatory.setReturnsCallback(returned -> {});
        this.transports = transports;
        this.returns = returns;
        this.confirmTimeoutMillis = properties.outbox().confirmTimeout().toMillis();
        this.cascade = cascade;
        this.meters = meters;
        for (String via : List.of("parked", "window", "cascade")) {
            Counter.builder("orders.outbox.delayed")
                    .tag("via", via)
                    .description("expiry messages published, by how they wait: parked in the work queue, the"
                            + " payment window's queue (one hop), the cascade, the plugin, or not at all (due)")
                    .register(meters);
        }
    }

    /** Whether messages go to the work queue, to be parked there until their deadline (never asks the broker). */
    boolean parks() {
        return transports.lastDecided() == DelayTransport.QUORUM_DELAY;
    }

    /**
     * Publishes the batch and returns, once the broker has confirmed every message, the ids of the rows
     * it routed; a row whose message came back unroutable is left out (counted and logged by
     * {@link ReturnedPublishes}), so it stays unsent and is published again. Throws otherwise (a nack, a
     * timeout, or a channel the broker closed, whose pending confirms Spring completes as nacks), and
     * the caller's transaction then leaves the rows unsent.
     *
     * <p>Correlated confirms, one future per message, even though the batch has a channel of its own
     * ({@code invoke}), rather than {@code waitForConfirmsOrDie} on it: when the broker closes that
     * channel mid-batch (e.g. ACCESS_REFUSED) the template may carry on with a fresh channel on which
     * the wait has nothing outstanding and returns as if all was confirmed, so a refused batch could be
     * marked sent; a future of the closed channel is completed as a nack.
     */
    List<Long> publishConfirmed(List<OutboxMessage> batch) {
        DelayTransport transport = transports.active();
        try {
            return publishConfirmed(batch, transport);
        } catch (RuntimeException e) {
            transports.refused(transport); // the plugin may be gone: the broker is asked again
            throw e;
        }
    }

    /**
     * The whole batch on one channel per template ({@link RabbitTemplate#invoke}), its confirms awaited
     * before the channels go back. Sent one {@code send} at a time instead, each message took a channel
     * of its own: with publisher confirms the connection factory keeps a channel out of its cache
     * until its confirm has come, so the next message of the batch took another one, and the broker
     * confirmed the batch message by message on as many channels (about 1.9 writes per order to
     * order-service's connection against 0.2 for the same batches on one channel; docs/performance.md,
     * "The broker's floor").
     */
    private List<Long> publishConfirmed(List<OutboxMessage> batch, DelayTransport transport) {
        long now = System.currentTimeMillis();
        List<Routed> routes = new ArrayList<>(batch.size());
        for (OutboxMessage message : batch) {
            routes.add(route(message, transport, cascade, now));
        }
        return mandatory.invoke(toQueues -> rabbit.invoke(toEvents -> sendAndAwait(batch, routes, toQueues, toEvents)));
    }

    private List<Long> sendAndAwait(
            List<OutboxMessage> batch, List<Routed> routes, RabbitOperations toQueues, RabbitOperations toEvents) {
        List<CorrelationData> confirms = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            Routed routed = routes.get(i);
            CorrelationData correlation = new CorrelationData(batch.get(i).eventId());
            (routed.mandatory() ? toQueues : toEvents)
                    .send(routed.exchange(), routed.routingKey(), routed.message(), correlation);
            confirms.add(correlation);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(confirmTimeoutMillis);
        List<Long> routed = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            awaitAck(confirms.get(i), deadline);
            ReturnedMessage returned = confirms.get(i).getReturned();
            if (returned == null) {
                routed.add(batch.get(i).id());
                if (batch.get(i).isExpiry()) {
                    meters.counter("orders.outbox.delayed", "via", routes.get(i).via())
                            .increment();
                }
            } else {
                returns.record(returned);
            }
        }
        if (routed.size() == batch.size()) {
            returns.allRouted();
        }
        return routed;
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

    /**
     * Where a message goes, how it waits ({@code via}: {@link Delayed#via()}, or {@code event}), and
     * whether the broker must route it or return it.
     */
    record Routed(String exchange, String routingKey, Message message, boolean mandatory, String via) {}

    /**
     * {@code cascade}: the stock-RabbitMQ transport with the configured payment window's queue; the
     * transports themselves say where a delayed message goes ({@link CascadeTransport},
     * {@link PluginTransport}).
     */
    static Routed route(OutboxMessage row, DelayTransport transport, CascadeTransport cascade, long nowMillis) {
        MessageBuilderSupport<Message> message = MessageBuilder.withBody(
                        row.payload().getBytes(StandardCharsets.UTF_8))
                .setContentType(MessageProperties.CONTENT_TYPE_JSON)
                .setContentEncoding(StandardCharsets.UTF_8.name())
                .setDeliveryMode(MessageDeliveryMode.PERSISTENT)
                .setMessageId(row.eventId())
                .setType(row.eventType())
                .setHeader(Headers.EVENT_TYPE, row.eventType());
        if (!row.isExpiry()) {
            return new Routed(Topology.EVENTS_EXCHANGE, row.routingKey(), message.build(), false, "event");
        }
        Delayed delayed = switch (transport) {
            case QUORUM_DELAY -> ParkedTransport.publish(row.delayMillis(), nowMillis + row.delayMillis());
            case DELAYED_EXCHANGE -> PluginTransport.publish(row.delayMillis());
            case DEAD_LETTER_TTL -> cascade.publish(row.delayMillis());
            case AUTO -> throw new IllegalStateException("the delay transport is not resolved yet");
        };
        delayed.headers().forEach(message::setHeader);
        return new Routed(
                delayed.exchange(), delayed.routingKey(), message.build(), delayed.mandatory(), delayed.via());
    }
}
