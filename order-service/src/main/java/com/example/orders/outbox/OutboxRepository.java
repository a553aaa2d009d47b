package com.example.orders.outbox;

import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The one owner of the {@code outbox} table in order-service: the appends {@link Outbox} makes in the
 * business transactions, the relay's locking read and marking, the purge, and the metrics' reads.
 * (expiry-worker appends its {@code OrderExpired} events through expiry-jdbc's {@code OutboxStatements}.)
 *
 * <p>A plain component, not a {@code @Repository}: {@code JdbcClient} already throws Spring's
 * {@code DataAccessException}s, and the exception-translation proxy around a {@code @Repository} only
 * added a proxy call to every statement (issue 19's profile).
 */
@Component
class OutboxRepository {

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

    /** SKIP LOCKED: several order-service instances relay disjoint batches (MySQL 8, MariaDB 10.6+). */
    private static final String LOCK_UNSENT = """
            SELECT id, event_id, event_type, destination, routing_key, payload,
                   GREATEST(0, COALESCE(TIMESTAMPDIFF(MICROSECOND, NOW(3), deliver_at) DIV 1000, 0)) AS delay_ms
            FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT :limit
            FOR UPDATE SKIP LOCKED
            """;

    private static final String MARK_SENT = "UPDATE outbox SET sent_at = NOW(3) WHERE id IN (:ids)";

    private static final String PURGE_SENT = """
            DELETE FROM outbox WHERE sent_at IS NOT NULL AND sent_at < NOW(3) - INTERVAL 1 DAY LIMIT 1000
            """;

    private static final String BACKLOG = "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL";

    private static final String OLDEST_UNSENT_AGE = """
            SELECT COALESCE(TIMESTAMPDIFF(MICROSECOND, MIN(created_at), NOW(3)), 0) / 1e6
            FROM outbox WHERE sent_at IS NULL
            """;

    private final JdbcClient jdbc;

    OutboxRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The expiry message of an order in this transaction; returns the rows written (0: no such order). */
    int appendExpiry(String eventId, String eventType, String routingKey, String payload, String orderId) {
        return jdbc.sql(APPEND_EXPIRY)
                .param("eventId", eventId)
                .param("eventType", eventType)
                .param("routingKey", routingKey)
                .param("payload", payload)
                .param("orderId", orderId)
                .update();
    }

    void appendEvent(String eventId, String eventType, String routingKey, String payload) {
        jdbc.sql(APPEND_EVENT)
                .param("eventId", eventId)
                .param("eventType", eventType)
                .param("routingKey", routingKey)
                .param("payload", payload)
                .update();
    }

    List<OutboxMessage> lockUnsent(int limit) {
        return jdbc.sql(LOCK_UNSENT)
                .param("limit", limit)
                .query((rs, n) -> new OutboxMessage(
                        rs.getLong("id"),
                        rs.getString("event_id"),
                        rs.getString("event_type"),
                        rs.getString("destination"),
                        rs.getString("routing_key"),
                        rs.getString("payload"),
                        rs.getLong("delay_ms")))
                .list();
    }

    void markSent(List<Long> ids) {
        jdbc.sql(MARK_SENT).param("ids", ids).update();
    }

    int purgeSent() {
        return jdbc.sql(PURGE_SENT).update();
    }

    long backlog() {
        return jdbc.sql(BACKLOG).query(Long.class).single();
    }

    double oldestUnsentAgeSeconds() {
        return jdbc.sql(OLDEST_UNSENT_AGE).query(Double.class).single();
    }
}
