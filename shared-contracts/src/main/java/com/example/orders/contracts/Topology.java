package com.example.orders.contracts;

import java.util.Map;

/**
 * Names of every exchange, queue and routing key both services use, and the arguments of the queues
 * both declare (a queue declared twice with different arguments is refused by the broker, so they
 * live here, once).
 *
 * <pre>
 * orders.expiry.delayed (x-delayed-message, plugin only) --expire--> orders.expiry
 * orders.delay.level-19 .. level-00 (topic), orders.delay.deliver (topic): see {@link DelayCascade}
 *                                --#.expire--> orders.expiry
 * orders.expiry.direct (direct) --expire--> orders.expiry        (consumed by expiry-worker)
 *                               --dead-->   orders.expiry.dlq    (messages that can never succeed, with the reason)
 * orders.events (topic)  --order.expired-->   whoever binds a queue
 *                        --order.cancelled--> whoever binds a queue
 * </pre>
 *
 * <p>Before the cascade, stock RabbitMQ delayed through {@link #WAIT_QUEUE} and {@link #RETRY_QUEUE}
 * (per-message TTLs, so a short delay waited behind a longer one). Nothing publishes into them any
 * more; where they still exist they keep dead-lettering what they hold to the work queue.
 */
public final class Topology {

    /**
     * Direct exchange every expiry message passes through. Not named like the work queue: broker
     * permissions are regexes over names, and order-service must be able to bind to this exchange
     * (read) without being able to consume the work queue (read).
     */
    public static final String EXPIRY_EXCHANGE = "orders.expiry.direct";

    /** The delayed-message-exchange plugin's exchange; messages wait inside it for their x-delay. */
    public static final String DELAYED_EXCHANGE = "orders.expiry.delayed";

    /** Work queue: messages whose time has come. expiry-worker consumes it. */
    public static final String EXPIRY_QUEUE = "orders.expiry";

    /**
     * Legacy: the per-message-TTL wait queue of versions before the cascade. Left as it is on an
     * upgrade (durable, bound to {@code wait}), it dead-letters what it still holds to the work queue.
     */
    public static final String WAIT_QUEUE = "orders.expiry.wait";

    /** Legacy: the per-message-TTL retry queue of versions before the cascade; see {@link #WAIT_QUEUE}. */
    public static final String RETRY_QUEUE = "orders.expiry.retry";

    /** Messages that can never succeed, each with {@link Headers#DEAD_LETTER_REASON}. */
    public static final String DEAD_LETTER_QUEUE = "orders.expiry.dlq";

    public static final String EXPIRE_KEY = "expire";
    /** Legacy routing keys of {@link #WAIT_QUEUE} and {@link #RETRY_QUEUE}. */
    public static final String WAIT_KEY = "wait";

    public static final String RETRY_KEY = "retry";
    public static final String DEAD_KEY = "dead";

    /** Topic exchange for domain events other systems may subscribe to. */
    public static final String EVENTS_EXCHANGE = "orders.events";

    public static final String ORDER_EXPIRED_KEY = "order.expired";

    public static final String ORDER_CANCELLED_KEY = "order.cancelled";

    private Topology() {}

    /**
     * Legacy: the arguments {@link #WAIT_QUEUE} and {@link #RETRY_QUEUE} were declared with (quorum,
     * per-message TTL, dead-lettered at least once to the work queue). Kept to recreate them in tests.
     */
    public static Map<String, Object> legacyDelayQueueArguments() {
        return Map.of(
                "x-queue-type", "quorum",
                "x-dead-letter-exchange", EXPIRY_EXCHANGE,
                "x-dead-letter-routing-key", EXPIRE_KEY,
                "x-dead-letter-strategy", "at-least-once",
                "x-overflow", "reject-publish");
    }

    /**
     * The work queue. A message the worker rejects, or one redelivered more than the limit (a poison
     * message that keeps killing the consumer), goes to the dead-letter queue.
     */
    public static Map<String, Object> expiryQueueArguments() {
        return Map.of(
                "x-queue-type",
                "quorum",
                "x-dead-letter-exchange",
                EXPIRY_EXCHANGE,
                "x-dead-letter-routing-key",
                DEAD_KEY,
                "x-delivery-limit",
                20);
    }

    public static Map<String, Object> deadLetterQueueArguments() {
        return Map.of("x-queue-type", "quorum");
    }

    /** Arguments of the plugin's exchange: it routes like a direct exchange once the delay is over. */
    public static Map<String, Object> delayedExchangeArguments() {
        return Map.of("x-delayed-type", "direct");
    }
}
