package com.example.orders.expiry;

import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The sweep's query on the orders schema (owned by order-service's migrations). */
@Repository
class ExpiryRepository {

    private static final String OVERDUE = """
            SELECT id FROM orders
            WHERE status = 'PENDING' AND expires_at < TIMESTAMPADD(MICROSECOND, -:graceMicros, NOW(3))
            ORDER BY expires_at LIMIT :limit
            """;

    private final JdbcClient jdbc;

    ExpiryRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    List<String> overdue(long graceMicros, int limit) {
        return jdbc.sql(OVERDUE)
                .param("graceMicros", graceMicros)
                .param("limit", limit)
                .query(String.class)
                .list();
    }
}
