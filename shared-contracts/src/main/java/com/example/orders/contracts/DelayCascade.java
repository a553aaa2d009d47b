package com.example.orders.contracts;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The delay on stock RabbitMQ: a cascade of {@link #LEVELS} levels in which every queue holds
 * messages of one fixed TTL, so that no message ever waits behind one due later (RabbitMQ expires
 * messages only at the head of a queue). The design of NServiceBus's RabbitMQ transport and of
 * Kombu 5.5's native delayed delivery.
 *
 * <p>A delay is counted in units of {@link #UNIT_MILLIS} ms, rounded up (never early). Level {@code n}
 * is a topic exchange and a quorum queue of the same name whose {@code x-message-ttl} is 2^n units and
 * which dead-letters (at least once, keeping the routing key) to the exchange of level {@code n-1};
 * level 0 dead-letters to {@link #DELIVERY_EXCHANGE}. The routing key spells the delay's bits, most
 * significant first, one word per level, then the destination: {@code 0.0.(...).1.0.1.expire}. The
 * exchange of level {@code n} sends a key whose bit {@code n} is 1 into its queue (the message waits
 * 2^n units) and one whose bit is 0 straight on to the exchange below (an exchange-to-exchange
 * binding, no wait, no storage). The delivery exchange routes by the last word to the destination
 * queue. A message therefore passes through one queue per 1-bit of its delay and waits exactly the
 * sum of their TTLs.
 *
 * <p>Both services publish into the cascade, so both declare it, with these arguments, idempotently.
 */
public final class DelayCascade {

    /** One unit of delay: the cascade's precision. 100 ms keeps lateness from rounding under 100 ms. */
    public static final long UNIT_MILLIS = 100;

    /** Levels 0 to 19: delays up to 2^20 - 1 units, 29 h 7 min. */
    public static final int LEVELS = 20;

    /** The longest delay one pass through the cascade gives; a longer one arrives early, and is sent on. */
    public static final long MAX_DELAY_MILLIS = ((1L << LEVELS) - 1) * UNIT_MILLIS;

    /** Topic exchange at the bottom of the cascade: routes by the destination word of the key. */
    public static final String DELIVERY_EXCHANGE = "orders.delay.deliver";

    /** The destination word of the expiry work queue ({@link Topology#EXPIRY_QUEUE}). */
    public static final String EXPIRY_DESTINATION = Topology.EXPIRE_KEY;

    private static final String LEVEL_PREFIX = "orders.delay.level-";

    private DelayCascade() {}

    /** Where to publish a message and with which routing key, so that it reaches {@code destination} after its delay. */
    public record Route(String exchange, String routingKey, long delayedMillis) {}

    /** The name of level {@code n}'s exchange and of its queue: {@code orders.delay.level-07}. */
    public static String level(int n) {
        checkLevel(n);
        return LEVEL_PREFIX + (n < 10 ? "0" : "") + n;
    }

    /** Every exchange of the cascade: each level's (topic) and the delivery exchange (topic). */
    public static List<String> exchanges() {
        List<String> exchanges = new ArrayList<>(levelQueues());
        exchanges.add(DELIVERY_EXCHANGE);
        return exchanges;
    }

    /** Every level's queue, level 0 first: where delayed messages wait. */
    public static List<String> levelQueues() {
        List<String> queues = new ArrayList<>(LEVELS);
        for (int n = 0; n < LEVELS; n++) {
            queues.add(level(n));
        }
        return queues;
    }

    /** The level of a level's exchange or queue name: 7 for {@code orders.delay.level-07}. */
    public static int levelOf(String name) {
        if (!name.startsWith(LEVEL_PREFIX)) {
            throw new IllegalArgumentException("not a level of the cascade: " + name);
        }
        int n = Integer.parseInt(name.substring(LEVEL_PREFIX.length()));
        checkLevel(n);
        return n;
    }

    public static long ttlMillis(int n) {
        checkLevel(n);
        return (1L << n) * UNIT_MILLIS;
    }

    /** The delay in units, rounded up, at most the cascade's maximum; 0 for no delay. */
    public static long units(long delayMillis) {
        if (delayMillis <= 0) {
            return 0;
        }
        long units = (delayMillis + UNIT_MILLIS - 1) / UNIT_MILLIS;
        return Math.min(units, (1L << LEVELS) - 1);
    }

    /**
     * The one implementation of "delay to routing key": publish to {@code exchange} with
     * {@code routingKey}. It enters at the level of the delay's highest 1-bit (the levels above would
     * only pass it down); with no delay it goes straight to the delivery exchange.
     */
    public static Route route(long delayMillis, String destination) {
        if (destination.isEmpty() || destination.contains(".") || destination.contains("*")) {
            throw new IllegalArgumentException("a destination is one word: " + destination);
        }
        long units = units(delayMillis);
        StringBuilder key = new StringBuilder(LEVELS * 2 + destination.length());
        for (int n = LEVELS - 1; n >= 0; n--) {
            key.append((units >>> n & 1) == 1 ? '1' : '0').append('.');
        }
        key.append(destination);
        String exchange = units == 0 ? DELIVERY_EXCHANGE : level(63 - Long.numberOfLeadingZeros(units));
        return new Route(exchange, key.toString(), units * UNIT_MILLIS);
    }

    /** Binding key of level {@code n}'s exchange to its own queue: bit {@code n} is 1. */
    public static String waitBindingKey(int n) {
        return bitPattern(n, '1');
    }

    /** Binding key of level {@code n}'s exchange to the exchange below: bit {@code n} is 0. */
    public static String skipBindingKey(int n) {
        return bitPattern(n, '0');
    }

    /** Binding key of the delivery exchange to a destination's queue. */
    public static String deliveryBindingKey(String destination) {
        return "#." + destination;
    }

    /** Where level {@code n}'s queue dead-letters to, and where its exchange sends a 0 bit. */
    public static String below(int n) {
        checkLevel(n);
        return n == 0 ? DELIVERY_EXCHANGE : level(n - 1);
    }

    /**
     * Level {@code n}'s queue: quorum, one TTL for all, dead-lettered at least once to the level below
     * with the routing key kept (no {@code x-dead-letter-routing-key}); at-least-once needs
     * {@code reject-publish}, so a full queue refuses the publish (a nack) rather than dropping the head.
     */
    public static Map<String, Object> queueArguments(int n) {
        return Map.of(
                "x-queue-type", "quorum",
                "x-message-ttl", ttlMillis(n),
                "x-dead-letter-exchange", below(n),
                "x-dead-letter-strategy", "at-least-once",
                "x-overflow", "reject-publish");
    }

    /**
     * A binding of the cascade: from exchange {@code source} to a queue ({@code toQueue}) or to another
     * exchange, with a binding key.
     */
    public record Link(String source, String destination, boolean toQueue, String key) {}

    /** Every binding of the cascade, the delivery to the expiry work queue included. */
    public static List<Link> links() {
        List<Link> links = new ArrayList<>(2 * LEVELS + 1);
        for (int n = 0; n < LEVELS; n++) {
            links.add(new Link(level(n), level(n), true, waitBindingKey(n)));
            links.add(new Link(level(n), below(n), false, skipBindingKey(n)));
        }
        links.add(new Link(DELIVERY_EXCHANGE, Topology.EXPIRY_QUEUE, true, deliveryBindingKey(EXPIRY_DESTINATION)));
        return links;
    }

    private static String bitPattern(int n, char bit) {
        checkLevel(n);
        return "*.".repeat(LEVELS - 1 - n) + bit + ".#";
    }

    private static void checkLevel(int n) {
        if (n < 0 || n >= LEVELS) {
            throw new IllegalArgumentException("no level " + n);
        }
    }
}
