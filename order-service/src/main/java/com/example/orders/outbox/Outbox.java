package com.example.orders.outbox;

import com.example.orders.contracts.OrderCancelled;
import com.example.orders.contracts.OrderCreated;
import com.example.orders.contracts.Topology;
import java.time.Instant;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes messages to the outbox table inside the caller's transaction: the message exists if and
 * only if the order does. {@link OutboxRelay} publishes them after commit.
 */
@Component
public class Outbox {

    /** deliver_at is copied from the order row, so the delay is computed from the database's clock. */
    private static final String APPEND_EXPIRY = """
            INSERT INTO outbox (event_id, event_type, destination, routing_key, payload, deliver_at)
            SELECT :eventId, :eventType, 'expiry', :routingKey, :payload, expires_at FROM orders WHERE id = :orderId
            """;

    /** Domain events: published on orders.events as soon as the relay runs. */
    private static final String APPEND_EVENT = """
            INSERT INTO outbox (event_id, event_type, destination, routing_key, payload)
            VALUES (:eventId, :eventType, 'events', :routingKey, :payload)
            """;

    private final JdbcClient jdbc;
    private final JsonMapper json;

    Outbox(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void orderCreated(String orderId, String customerId, long totalCents, Instant createdAt, Instant expiresAt) {
        OrderCreated event = OrderCreated.of(orderId, customerId, totalCents, createdAt, expiresAt);
        int rows = jdbc.sql(APPEND_EXPIRY)
                .param("eventId", event.eventId().toString())
                .param("eventType", OrderCreated.class.getSimpleName())
                .param("routingKey", Topology.EXPIRE_KEY)
                .param("payload", json.writeValueAsString(event))
                .param("orderId", orderId)
                .update();
        if (rows != 1) {
            throw new IllegalStateException("order " + orderId + " is not in this transaction");
        }
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void orderCancelled(OrderCancelled event) {
        jdbc.sql(APPEND_EVENT)
                .param("eventId", event.eventId().toString())
                .param("eventType", OrderCancelled.class.getSimpleName())
                .param("routingKey", Topology.ORDER_CANCELLED_KEY)
                .param("payload", json.writeValueAsString(event))
                .update();
    }
}
