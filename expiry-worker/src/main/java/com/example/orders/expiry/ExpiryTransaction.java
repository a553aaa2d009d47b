package com.example.orders.expiry;

import com.example.orders.ExpiryProperties;
import com.example.orders.expiry.jdbc.ExpiryOutcome;
import com.example.orders.expiry.jdbc.ExpiryStatements;
import com.example.orders.expiry.jdbc.OrderExpiredJson;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The guarded rollback transaction, for one order or a batch, shared by the listener and the sweep:
 * {@link ExpiryStatements} (the same code bench's ceiling runs) inside one READ COMMITTED Spring
 * transaction, its SQL errors translated to {@code DataAccessException}s. Any exception rolls the
 * whole transaction back, a {@code StockConflictException} included.
 */
@Component
class ExpiryTransaction {

    private final JdbcTemplate jdbc;
    private final ExpiryStatements statements;
    private final Timer lateness;

    ExpiryTransaction(JdbcTemplate jdbc, ExpiryProperties properties, MeterRegistry meters) {
        this.jdbc = jdbc;
        Counter conflicts = meters.counter("orders.expiry.stock.conflicts");
        this.statements =
                new ExpiryStatements(properties.stockAttempts(), OrderExpiredJson::write, conflicts::increment);
        this.lateness = Timer.builder("orders.expiry.lateness")
                .description("time from an order's deadline to its expiry (closedAt - expiresAt)")
                .publishPercentileHistogram()
                .register(meters);
    }

    @Transactional(isolation = Isolation.READ_COMMITTED)
    public ExpiryOutcome expire(String orderId) {
        return recorded(jdbc.execute((ConnectionCallback<ExpiryOutcome>) c -> statements.expireOne(c, orderId)));
    }

    /** Every order's outcome, keyed by id; all of them in one transaction. */
    @Transactional(isolation = Isolation.READ_COMMITTED)
    public Map<String, ExpiryOutcome> expireBatch(Collection<String> orderIds) {
        Map<String, ExpiryOutcome> outcomes =
                jdbc.execute((ConnectionCallback<Map<String, ExpiryOutcome>>) c -> statements.expireBatch(c, orderIds));
        outcomes.values().forEach(this::recorded);
        return outcomes;
    }

    private ExpiryOutcome recorded(ExpiryOutcome outcome) {
        if (outcome instanceof ExpiryOutcome.Expired expired) {
            lateness.record(Duration.ofMillis(expired.latenessMillis()));
        }
        return outcome;
    }
}
