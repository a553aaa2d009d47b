package com.example.orders.order;

import com.fasterxml.jackson.annotation.JsonFormat;
import java.time.Instant;
import java.util.List;

/** An order as the storefront sees it. Timestamps are UTC, always with milliseconds. */
public record Order(
        String id,
        String customerId,
        OrderStatus status,
        List<Item> items,
        long totalCents,

        @JsonFormat(shape = JsonFormat.Shape.STRING, pattern = TIMESTAMP, timezone = "UTC")
        Instant createdAt,

        @JsonFormat(shape = JsonFormat.Shape.STRING, pattern = TIMESTAMP, timezone = "UTC")
        Instant expiresAt,

        @JsonFormat(shape = JsonFormat.Shape.STRING, pattern = TIMESTAMP, timezone = "UTC")
        Instant paidAt,

        @JsonFormat(shape = JsonFormat.Shape.STRING, pattern = TIMESTAMP, timezone = "UTC")
        Instant closedAt) {

    static final String TIMESTAMP = "yyyy-MM-dd'T'HH:mm:ss.SSSX";

    public record Item(String sku, int quantity, long unitPriceCents) {}
}
