package com.example.orders.delay;

import static com.example.orders.contracts.Topology.EXPIRE_KEY;
import static com.example.orders.contracts.Topology.EXPIRY_EXCHANGE;
import static com.example.orders.contracts.Topology.EXPIRY_QUEUE;
import static com.example.orders.contracts.Topology.expiryQueueArguments;

import com.example.orders.contracts.DelayCascade;
import com.example.orders.contracts.DelayWindow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarable;
import org.springframework.amqp.core.DirectExchange;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.TopicExchange;

/**
 * The delay on stock RabbitMQ ({@code dead-letter-ttl}): the {@link DelayCascade} for any delay, and,
 * where a payment window is configured, its {@link DelayWindow} queue for the usual order (one hop).
 * Both services use it: order-service publishes each {@code OrderCreated} through
 * {@link #publish}, expiry-worker sends retries and early messages round again through
 * {@link #again}, and both declare {@link #declarables()}, the same arguments whichever starts first.
 * Only order-service, which publishes into it, has a window.
 */
public final class CascadeTransport {

    private final Optional<DelayWindow> window;

    private CascadeTransport(Optional<DelayWindow> window) {
        this.window = window;
    }

    /** order-service's: with the configured payment window's queue (none outside what a TTL can hold). */
    public static CascadeTransport withWindow(long windowMillis) {
        return new CascadeTransport(DelayWindow.of(windowMillis));
    }

    /** expiry-worker's: it only sends messages round again, never through a window. */
    public static CascadeTransport cascadeOnly() {
        return new CascadeTransport(Optional.empty());
    }

    public Optional<DelayWindow> window() {
        return window;
    }

    /**
     * Its topology: the work queue the delay ends in (with the direct exchange already-due messages are
     * published to), every exchange, queue and binding of the cascade, and the window's.
     */
    public List<Declarable> declarables() {
        List<Declarable> declarables = new ArrayList<>();
        DirectExchange expiry = new DirectExchange(EXPIRY_EXCHANGE);
        Queue work = new Queue(EXPIRY_QUEUE, true, false, false, expiryQueueArguments());
        declarables.addAll(
                List.of(expiry, work, BindingBuilder.bind(work).to(expiry).with(EXPIRE_KEY)));
        DelayCascade.exchanges().forEach(name -> declarables.add(new TopicExchange(name)));
        DelayCascade.levelQueues()
                .forEach(name -> declarables.add(new Queue(name, true, false, false, levelArguments(name))));
        DelayCascade.links()
                .forEach(l -> declarables.add(new Binding(l.destination(), type(l), l.source(), l.key(), null)));
        window.ifPresent(w -> {
            DirectExchange exchange = new DirectExchange(w.name());
            Queue queue = new Queue(w.name(), true, false, false, w.queueArguments());
            declarables.addAll(List.of(
                    exchange, queue, BindingBuilder.bind(queue).to(exchange).with(w.routingKey())));
        });
        return declarables;
    }

    /**
     * A new message due in {@code delayMillis}: through the window queue when the delay is the window
     * or up to one cascade unit less (one hop), else through the cascade; already due, straight to the
     * work queue. Mandatory either way.
     */
    public Delayed publish(long delayMillis) {
        if (window.isPresent() && window.get().fits(delayMillis)) {
            return new Delayed(window.get().name(), window.get().routingKey(), Map.of(), true, "window");
        }
        return again(delayMillis);
    }

    /**
     * A message sent round again for {@code delayMillis} (a retry's back-off, the time an early message
     * has left): through the cascade, exact for any delay; already due, straight to the work queue.
     */
    public Delayed again(long delayMillis) {
        if (delayMillis <= 0) {
            return Delayed.due();
        }
        DelayCascade.Route route = DelayCascade.route(delayMillis, DelayCascade.EXPIRY_DESTINATION);
        return new Delayed(route.exchange(), route.routingKey(), Map.of(), true, "cascade");
    }

    private static Map<String, Object> levelArguments(String level) {
        return DelayCascade.queueArguments(DelayCascade.levelOf(level));
    }

    private static Binding.DestinationType type(DelayCascade.Link link) {
        return link.toQueue() ? Binding.DestinationType.QUEUE : Binding.DestinationType.EXCHANGE;
    }
}
