package com.example.orders.outbox;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** How far behind the relay is: the age of the oldest message the broker has not confirmed. */
@Component
class OutboxMetrics {

    private static final String OLDEST_UNSENT_AGE = """
            SELECT COALESCE(TIMESTAMPDIFF(MICROSECOND, MIN(created_at), NOW(3)), 0) / 1e6
            FROM outbox WHERE sent_at IS NULL
            """;

    OutboxMetrics(JdbcClient jdbc, MeterRegistry meters) {
        Gauge.builder(
                        "orders.outbox.oldest.unsent.age",
                        jdbc,
                        db -> db.sql(OLDEST_UNSENT_AGE).query(Double.class).single())
                .baseUnit("seconds")
                .description(
                        "age of the oldest outbox message not yet confirmed by the broker; grows while it is unreachable")
                .register(meters);
    }
}
