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
import org.springframework.core.retry.RetryTemplate;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The guarded rollback transaction, for one order or a batch, shared by the listener and the sweep:
 * {@link ExpiryStatements} (the same code bench's ceiling runs) inside one READ COMMITTED Spring
 * transaction, its SQL errors translated to {@code DataAccessException}s. Any exception rolls the
 * whole transaction back, a {@code StockConflictException} included.
 *
 * <p>A transaction the database aborts and asks to run again (a deadlock, a Galera certification
 * conflict, a lock wait timeout) is run again here, whole, up to {@value DatabaseRetry#ATTEMPTS} times
 * ({@link DatabaseRetry}); only then does the caller see the failure: a batch falls back to one order
 * per transaction, one order is republished, the sweep moves on to the next order.
 */
@Component
class ExpiryTransaction {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final RetryTemplate oneOrder;
    private final RetryTemplate batch;
    private final ExpiryStatements statements;
    private final Timer lateness;

    ExpiryTransaction(
            JdbcTemplate jdbc,
            PlatformTransactionManager transactions,
            ExpiryProperties properties,
            MeterRegistry meters) {
        this.jdbc = jdbc;
        this.transaction = new TransactionTemplate(transactions);
        this.transaction.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
        this.oneOrder = DatabaseRetry.template(meters, "expiry-one");
        this.batch = DatabaseRetry.template(meters, "expiry-batch");
        Counter conflicts = meters.counter("orders.expiry.stock.conflicts");
        this.statements =
                new ExpiryStatements(properties.stockAttempts(), OrderExpiredJson::write, conflicts::increment);
        this.lateness = Timer.builder("orders.expiry.lateness")
                .description("time from an order's deadline to its expiry (closedAt - expiresAt)")
                .publishPercentileHistogram()
                .register(meters);
    }

    public ExpiryOutcome expire(String orderId) {
        return recorded(oneOrder.invoke(() -> transaction.execute(
                tx -> jdbc.execute((ConnectionCallback<ExpiryOutcome>) c -> statements.expireOne(c, orderId)))));
    }

    /** Every order's outcome, keyed by id; all of them in one transaction. */
    public Map<String, ExpiryOutcome> expireBatch(Collection<String> orderIds) {
        Map<String, ExpiryOutcome> outcomes = batch.invoke(() -> transaction.execute(tx -> jdbc.execute(
                (ConnectionCallback<Map<String, ExpiryOutcome>>) c -> statements.expireBatch(c, orderIds))));
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
