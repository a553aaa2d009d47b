package com.example.orders.delay;

import com.example.orders.contracts.Headers;
import com.example.orders.contracts.Topology;
import com.rabbitmq.client.amqp.Consumer;
import com.rabbitmq.client.amqp.Message;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The delay on RabbitMQ 4.3 and later ({@code quorum-delay}): no delay queue at all. order-service
 * publishes each {@code OrderCreated} straight to the quorum work queue; expiry-worker, consuming it
 * over AMQP 1.0, settles a message that is not due yet with the {@code modified} outcome carrying
 * {@value #DELIVERY_TIME} (ms since the epoch), and the queue holds it ("parks" it) and delivers it
 * again at that time. The same sends a retry or an early message round again. Parking does not count
 * as a delivery (the queue's delivery limit stays for messages that really fail), and the message keeps
 * its place: nothing is published again, no dead-letter hop.
 *
 * <p>A parked message counts in the queue's {@code messages} but is neither ready nor unacknowledged.
 * The annotations a worker sets when it parks a message come back with it; the worker's own headers
 * travel as annotations too ({@link #headers}), since only {@code x-opt-} annotations can be changed.
 */
public final class ParkedTransport {

    /** When the queue is to deliver the message again; also set on publish, for brokers that honour it there. */
    public static final String DELIVERY_TIME = "x-opt-delivery-time";

    /** Annotations the broker adds, not the message's own: left out of {@link #headers}. */
    private static final Set<String> BROKER_ANNOTATIONS =
            Set.of(DELIVERY_TIME, "x-acquired-count", "x-delivery-count", "x-exchange", "x-routing-key");

    private static final String CHANGEABLE = "x-opt-";

    private ParkedTransport() {}

    /**
     * A new message due in {@code delayMillis}, at {@code dueEpochMillis}: straight to the work queue,
     * mandatory, with its delivery time (RabbitMQ 4.3 ignores it there and delivers at once; the worker
     * parks it).
     */
    public static Delayed publish(long delayMillis, long dueEpochMillis) {
        if (delayMillis <= 0) {
            return Delayed.due();
        }
        return new Delayed(
                Topology.EXPIRY_EXCHANGE, Topology.EXPIRE_KEY, Map.of(DELIVERY_TIME, dueEpochMillis), true, "parked");
    }

    /**
     * Sends the delivery round again: the queue delivers it at {@code dueEpochMillis}, carrying
     * {@code headers} (the worker's own, e.g. {@link Headers#REPUBLISH_COUNT}) from then on.
     */
    public static void park(Consumer.Context delivery, long dueEpochMillis, Map<String, Object> headers) {
        Map<String, Object> annotations = new HashMap<>();
        headers.forEach((name, value) -> annotations.put(changeable(name), value));
        annotations.put(DELIVERY_TIME, dueEpochMillis);
        delivery.requeue(annotations);
    }

    /**
     * Whether the queue has handed the message out before: it was parked, or its consumer went away
     * holding it. Such a message comes when the queue says it is due; only the database can tell
     * otherwise (the clocks of worker and broker may differ a little).
     */
    public static boolean returned(Message message) {
        return message.annotation("x-acquired-count") instanceof Number count && count.longValue() > 0
                || message.deliveryCount() > 0;
    }

    /**
     * The message's headers as a 0-9-1 consumer would see them: its application properties, and the
     * annotations RabbitMQ turns {@code x-} headers into, a header set when it was parked replacing the
     * one it was published with.
     */
    public static Map<String, Object> headers(Message message) {
        Map<String, Object> headers = new HashMap<>();
        message.forEachProperty(headers::put);
        Map<String, Object> parkedWith = new HashMap<>();
        message.forEachAnnotation((name, value) -> {
            if (BROKER_ANNOTATIONS.contains(name)) {
                return;
            }
            if (name.startsWith(CHANGEABLE)) {
                parkedWith.put("x-" + name.substring(CHANGEABLE.length()), value);
            } else {
                headers.put(name, value);
            }
        });
        headers.putAll(parkedWith);
        return headers;
    }

    private static String changeable(String header) {
        if (!header.startsWith("x-") || header.startsWith(CHANGEABLE)) {
            throw new IllegalArgumentException("not a header a parked message can carry: " + header);
        }
        return CHANGEABLE + header.substring(2);
    }
}
