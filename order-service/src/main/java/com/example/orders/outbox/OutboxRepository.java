package com.example.orders.outbox;

import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class OutboxRepository {

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

    private final JdbcClient jdbc;

    OutboxRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
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
}
