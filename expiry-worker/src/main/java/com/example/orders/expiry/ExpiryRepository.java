package com.example.orders.expiry;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The worker's statements on the orders schema (owned by order-service's migrations). */
@Repository
class ExpiryRepository {

    /** The guard: only a PENDING order whose deadline has passed, by the database's clock, expires. */
    private static final String MARK_EXPIRED = """
            UPDATE orders SET status = 'EXPIRED', closed_at = NOW(3)
            WHERE id = :id AND status = 'PENDING' AND expires_at <= NOW(3)
            """;

    private static final String STATE = """
            SELECT status, GREATEST(0, TIMESTAMPDIFF(MICROSECOND, NOW(3), expires_at) DIV 1000) AS remaining_ms
            FROM orders WHERE id = :id
            """;

    /**
     * Right after the guard, in one round trip: the order's deadline and closing time, and each item
     * with its product's current committed stock version, the first attempt's read of the optimistic
     * lock (READ COMMITTED: a plain read sees the latest committed row).
     */
    private static final String EXPIRED_WITH_ITEMS = """
            SELECT o.expires_at, o.closed_at, i.sku, i.quantity, p.version
            FROM orders o
            LEFT JOIN order_item i ON i.order_id = o.id
            LEFT JOIN product p ON p.sku = i.sku
            WHERE o.id = :id
            ORDER BY i.sku
            """;

    private static final String OVERDUE = """
            SELECT id FROM orders
            WHERE status = 'PENDING' AND expires_at < TIMESTAMPADD(MICROSECOND, -:graceMicros, NOW(3))
            ORDER BY expires_at LIMIT :limit
            """;

    private static final String APPEND_EVENT = """
            INSERT INTO outbox (event_id, event_type, destination, routing_key, payload)
            VALUES (:eventId, :eventType, 'events', :routingKey, :payload)
            """;

    private final JdbcClient jdbc;

    ExpiryRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    boolean markExpired(String orderId) {
        return jdbc.sql(MARK_EXPIRED).param("id", orderId).update() == 1;
    }

    /** Status and time left before the deadline; empty when there is no such order. */
    Optional<OrderState> state(String orderId) {
        return jdbc.sql(STATE)
                .param("id", orderId)
                .query((rs, n) -> new OrderState(rs.getString("status"), rs.getLong("remaining_ms")))
                .optional();
    }

    /** The order just marked EXPIRED, with its items in sku order; read inside the same transaction. */
    Expired expiredWithItems(String orderId) {
        List<Object[]> rows = jdbc.sql(EXPIRED_WITH_ITEMS)
                .param("id", orderId)
                .query((rs, n) -> new Object[] {
                    utc(rs.getObject("expires_at", LocalDateTime.class)),
                    utc(rs.getObject("closed_at", LocalDateTime.class)),
                    rs.getString("sku") == null
                            ? null
                            : new Item(rs.getString("sku"), rs.getInt("quantity"), rs.getLong("version"))
                })
                .list();
        return new Expired(
                (Instant) rows.get(0)[0],
                (Instant) rows.get(0)[1],
                rows.stream()
                        .filter(row -> row[2] != null)
                        .map(row -> (Item) row[2])
                        .toList());
    }

    List<String> overdue(long graceMicros, int limit) {
        return jdbc.sql(OVERDUE)
                .param("graceMicros", graceMicros)
                .param("limit", limit)
                .query(String.class)
                .list();
    }

    void appendEvent(String eventId, String eventType, String routingKey, String payload) {
        jdbc.sql(APPEND_EVENT)
                .param("eventId", eventId)
                .param("eventType", eventType)
                .param("routingKey", routingKey)
                .param("payload", payload)
                .update();
    }

    private static Instant utc(LocalDateTime value) {
        return value == null ? null : value.toInstant(ZoneOffset.UTC);
    }

    record OrderState(String status, long remainingMillis) {}

    record Expired(Instant expiresAt, Instant closedAt, List<Item> items) {}

    /** One line of the order, with the stock version read for the first optimistic-lock attempt. */
    record Item(String sku, int quantity, long versionRead) {}
}
