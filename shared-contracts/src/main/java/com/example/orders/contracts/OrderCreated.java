package com.example.orders.contracts;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * An order was placed and its stock reserved. Published with a delay so that it reaches the
 * expiry queue when {@code expiresAt} has come; the expiry worker then cancels the order if it is
 * still unpaid.
 *
 * <p>Evolve only by adding fields; consumers ignore fields they do not know.
 */
public record OrderCreated(
        int schemaVersion,
        UUID eventId,
        Instant occurredAt,
        String orderId,
        String customerId,
        long totalCents,
        Instant expiresAt) {

    public static final int SCHEMA_VERSION = 1;

    public OrderCreated {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(orderId, "orderId");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    public static OrderCreated of(
            String orderId, String customerId, long totalCents, Instant createdAt, Instant expiresAt) {
        return new OrderCreated(
                SCHEMA_VERSION, UUID.randomUUID(), createdAt, orderId, customerId, totalCents, expiresAt);
    }
}
