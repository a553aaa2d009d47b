package com.example.orders.messaging;

import com.example.orders.delay.ParkedTransport;
import com.rabbitmq.client.amqp.Consumer;
import java.util.List;
import java.util.Map;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;

/**
 * An expiry message received over AMQP 1.0 from the work queue ({@code quorum-delay}), seen as the
 * 0-9-1 message the handlers know, plus its settlement: parked until a time ({@link Republisher} parks it
 * instead of publishing a copy), else accepted by the listener once handled. Settled once.
 */
public final class ParkedDelivery extends Message {

    private final transient Consumer.Context context;
    private final boolean returned;
    private volatile boolean settled;

    public ParkedDelivery(Consumer.Context context, com.rabbitmq.client.amqp.Message received) {
        super(received.body(), properties(received));
        this.context = context;
        this.returned = ParkedTransport.returned(received);
    }

    /** Whether the queue handed it out before (it was parked, or its consumer went away holding it). */
    public boolean returned() {
        return returned;
    }

    public boolean settled() {
        return settled;
    }

    /** Back in the queue until {@code dueEpochMillis}, then delivered again carrying {@code headers}. */
    public void park(long dueEpochMillis, Map<String, Object> headers) {
        settled = true;
        ParkedTransport.park(context, dueEpochMillis, headers);
    }

    /**
     * Every one of {@code deliveries} back in the queue until {@code dueEpochMillis}, in one settlement
     * (one disposition per run of consecutive deliveries), without headers of their own.
     */
    public static void parkAll(List<ParkedDelivery> deliveries, long dueEpochMillis) {
        if (deliveries.size() == 1) {
            deliveries.get(0).park(dueEpochMillis, Map.of());
            return;
        }
        Consumer.BatchContext together = deliveries.get(0).context.batch(deliveries.size());
        for (ParkedDelivery delivery : deliveries) {
            delivery.settled = true;
            together.add(delivery.context);
        }
        ParkedTransport.park(together, dueEpochMillis, Map.of());
    }

    /** The settlement itself, for settling many at once ({@link Consumer.Context#batch}). */
    public Consumer.Context context() {
        return context;
    }

    private static MessageProperties properties(com.rabbitmq.client.amqp.Message received) {
        MessageProperties properties = new MessageProperties();
        Object id = received.messageId();
        properties.setMessageId(id == null ? null : id.toString());
        properties.setContentType(received.contentType());
        properties.setContentEncoding(received.contentEncoding());
        ParkedTransport.headers(received).forEach(properties::setHeader);
        return properties;
    }
}
