package com.example.orders.contracts;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The customer cancelled an unpaid order and the stock of every item was given back at once.
 * Published on {@link Topology#EVENTS_EXCHANGE} with routing key {@link Topology#ORDER_CANCELLED_KEY}.
 *
 * <p>Evolve only by adding fields; consumers ignore fields they do not know.
 */
public record OrderCancelled(
        int schemaVersion,
        UUID eventId,
        Instant occurredAt,
        String orderId,
        String customerId,
        List<Item> restoredItems) {

    public static final int SCHEMA_VERSION = 1;

    public OrderCancelled {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(orderId, "orderId");
        restoredItems = List.copyOf(restoredItems);
    }

    public static OrderCancelled of(String orderId, String customerId, Instant closedAt, List<Item> restoredItems) {
        return new OrderCancelled(SCHEMA_VERSION, UUID.randomUUID(), closedAt, orderId, customerId, restoredItems);
    }

    /** One line of the order whose quantity went back into stock. */
    public record Item(String sku, int quantity) {}
}
