package com.example.orders.outbox;

import com.example.orders.contracts.OrderCancelled;
import com.example.orders.contracts.OrderCreated;
import com.example.orders.contracts.Topology;
import java.time.Instant;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes messages to the outbox table inside the caller's transaction: the message exists if and
 * only if the order does. {@link OutboxRelay} publishes them after commit; the statements are
 * {@link OutboxRepository}'s.
 */
@Component
public class Outbox {

    private final OutboxRepository outbox;
    private final JsonMapper json;

    Outbox(OutboxRepository outbox, JsonMapper json) {
        this.outbox = outbox;
        this.json = json;
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void orderCreated(String orderId, String customerId, long totalCents, Instant createdAt, Instant expiresAt) {
        OrderCreated event = OrderCreated.of(orderId, customerId, totalCents, createdAt, expiresAt);
        int rows = outbox.appendExpiry(
                event.eventId().toString(),
                OrderCreated.class.getSimpleName(),
                Topology.EXPIRE_KEY,
                json.writeValueAsString(event),
                orderId);
        if (rows != 1) {
            throw new IllegalStateException("order " + orderId + " is not in this transaction");
        }
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void orderCancelled(OrderCancelled event) {
        outbox.appendEvent(
                event.eventId().toString(),
                OrderCancelled.class.getSimpleName(),
                Topology.ORDER_CANCELLED_KEY,
                json.writeValueAsString(event));
    }
}
