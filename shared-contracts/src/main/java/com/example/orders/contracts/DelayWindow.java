package com.example.orders.contracts;

import java.util.Map;
import java.util.Optional;

/**
 * The one-hop delay for the configured payment window on stock RabbitMQ: a direct exchange and a
 * quorum queue of the same name, {@code orders.delay.window-<millis>ms}, whose {@code x-message-ttl}
 * is the window and which dead-letters (at least once) to the work queue through
 * {@link Topology#EXPIRY_EXCHANGE} with {@link Topology#EXPIRE_KEY}. Every message in it waits the same
 * time, so none waits behind one due later, and the usual order passes one queue instead of the
 * cascade's five (15 minutes). Every other delay takes the {@link DelayCascade}.
 *
 * <p>A changed window is another queue: the old one keeps dead-lettering what it holds to the work
 * queue. Its name starts with {@code orders.delay.}, like the cascade's, so the broker permissions
 * and the stuck dead-letter alert that cover the cascade cover it too.
 *
 * @param millis the window, the queue's TTL
 */
public record DelayWindow(long millis) {

    private static final String PREFIX = "orders.delay.window-";

    public DelayWindow {
        if (millis < 1 || millis > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a delay window is 1 ms to 24 days: " + millis + " ms");
        }
    }

    /** The window queue for a payment window of {@code millis}; none outside 1 ms to 24 days. */
    public static Optional<DelayWindow> of(long millis) {
        return millis < 1 || millis > Integer.MAX_VALUE ? Optional.empty() : Optional.of(new DelayWindow(millis));
    }

    /** Its exchange's and its queue's name: {@code orders.delay.window-900000ms}. */
    public String name() {
        return PREFIX + millis + "ms";
    }

    /** The binding key of its exchange to its queue, and the key to publish with. */
    public String routingKey() {
        return Topology.EXPIRE_KEY;
    }

    /**
     * Whether a message due in {@code delayMillis} goes through this queue: when the delay is the window
     * or up to one cascade unit less, so that it arrives at most {@link DelayCascade#UNIT_MILLIS} late
     * (the cascade's own rounding) and never early.
     */
    public boolean fits(long delayMillis) {
        return delayMillis > 0 && delayMillis <= millis && delayMillis >= millis - DelayCascade.UNIT_MILLIS;
    }

    /** Quorum, one TTL for all, dead-lettered at least once to the work queue (reject-publish when full). */
    public Map<String, Object> queueArguments() {
        return Map.of(
                "x-queue-type",
                "quorum",
                "x-message-ttl",
                millis,
                "x-dead-letter-exchange",
                Topology.EXPIRY_EXCHANGE,
                "x-dead-letter-routing-key",
                Topology.EXPIRE_KEY,
                "x-dead-letter-strategy",
                "at-least-once",
                "x-overflow",
                "reject-publish");
    }
}
