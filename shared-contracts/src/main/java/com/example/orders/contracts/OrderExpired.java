package com.example.orders.contracts;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * An unpaid order passed its deadline, was cancelled, and the stock of every item was given back.
 * Published on {@link Topology#EVENTS_EXCHANGE} with routing key {@link Topology#ORDER_EXPIRED_KEY}.
 */
public record OrderExpired(
        int schemaVersion,
        UUID eventId,
        Instant occurredAt,
        String orderId,
        Instant expiresAt,
        List<Item> restoredItems) {

    public static final int SCHEMA_VERSION = 1;

    public OrderExpired {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(orderId, "orderId");
        restoredItems = List.copyOf(restoredItems);
    }

    public static OrderExpired of(String orderId, Instant expiresAt, Instant closedAt, List<Item> restoredItems) {
        return new OrderExpired(SCHEMA_VERSION, UUID.randomUUID(), closedAt, orderId, expiresAt, restoredItems);
    }

    /** One line of the order whose quantity went back into stock. */
    public record Item(String sku, int quantity) {}
}
