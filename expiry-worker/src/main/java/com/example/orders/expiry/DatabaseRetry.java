package com.example.orders.expiry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLTransactionRollbackException;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.retry.RetryListener;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryState;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.core.retry.Retryable;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.util.ExceptionTypeFilter;

/**
 * The worker's policy for transactions the database aborted and asks to run again: MySQL/MariaDB
 * error 1213 (a deadlock, or a certification conflict between Galera nodes) and 1205 (a lock wait
 * timeout), which Spring translates to a {@link PessimisticLockingFailureException} (or, at a
 * commit, Connector/J's {@link SQLTransactionRollbackException} somewhere in the cause chain). Spring
 * Framework's {@link RetryTemplate} runs them again, {@value #ATTEMPTS} attempts in all with a short
 * jittered back-off, and each retry counts in {@code orders_transaction_retries_total{place}} (the
 * same metric order-service keeps for its own places). A lost optimistic lock on stock is not in it:
 * that has its own rule (three attempts inside the transaction, then a republish).
 */
final class DatabaseRetry {

    static final int ATTEMPTS = 3;

    private static final Logger log = LoggerFactory.getLogger(DatabaseRetry.class);

    private DatabaseRetry() {}

    private static final ExceptionTypeFilter RETRYABLE = new ExceptionTypeFilter(
            List.of(PessimisticLockingFailureException.class, SQLTransactionRollbackException.class), List.of());

    /** True when {@code error}, or anything that caused it, is the database asking for the transaction again. */
    static boolean retryable(Throwable error) {
        return RETRYABLE.match(error, true);
    }

    /** Its {@code invoke} returns the result, or throws the last attempt's exception unchanged. */
    static RetryTemplate template(MeterRegistry meters, String place) {
        Counter retried = meters.counter("orders.transaction.retries", "place", place);
        RetryTemplate template = new RetryTemplate(RetryPolicy.builder()
                .predicate(DatabaseRetry::retryable)
                .maxRetries(ATTEMPTS - 1)
                .delay(Duration.ofMillis(20))
                .jitter(Duration.ofMillis(15))
                .multiplier(2)
                .maxDelay(Duration.ofMillis(200))
                .build());
        template.setRetryListener(new RetryListener() {
            @Override
            public void beforeRetry(RetryPolicy policy, Retryable<?> transaction, RetryState state) {
                retried.increment();
                log.info(
                        "{} rolled back by the database; running it again: {}",
                        place,
                        String.valueOf(state.getLastException()));
            }
        });
        return template;
    }
}
