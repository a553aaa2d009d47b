package com.example.orders.transaction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLTransactionRollbackException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.retry.RetryListener;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryState;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.core.retry.Retryable;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.stereotype.Component;
import org.springframework.util.ExceptionTypeFilter;

/**
 * Runs a whole transaction again when the database aborted it and asks for exactly that: a deadlock
 * or a lost Galera certification (MySQL/MariaDB error 1213, SQLState 40001) or a lock wait timeout
 * (1205). Spring translates both to a {@link PessimisticLockingFailureException}; a commit that fails
 * the same way may surface as Connector/J's {@link SQLTransactionRollbackException} in the cause
 * chain, which counts too. Each place that writes gets its own {@link Place}: {@value #ATTEMPTS}
 * attempts in all, a short jittered back-off between them, and a counter of the retries it ran,
 * {@code orders_transaction_retries_total{place}}.
 *
 * <p>The callback must be the whole transaction ({@code TransactionTemplate.execute(...)}), never a
 * statement inside one: after a deadlock the database has rolled back everything the transaction did.
 * Spring Framework's own {@link RetryTemplate} does the retrying; this class only fixes the policy
 * and counts. Not {@code @Retryable} beside {@code @Transactional}: the retry must run outside the
 * transaction, and with two annotations on one method the order of their interceptors would decide
 * that without the code showing it; here each place calls {@code run(() -> transaction.execute(...))}. When the attempts are spent the last failure is thrown as it was; the HTTP edge answers
 * it {@code 503} with {@code Retry-After} ({@code web.DatabaseBusy}).
 */
@Component
public class TransactionRetry {

    public static final int ATTEMPTS = 3;

    private static final List<Class<? extends Throwable>> DATABASE_SAYS_RETRY =
            List.of(PessimisticLockingFailureException.class, SQLTransactionRollbackException.class);

    private static final ExceptionTypeFilter RETRYABLE = new ExceptionTypeFilter(DATABASE_SAYS_RETRY, List.of());

    private static final Logger log = LoggerFactory.getLogger(TransactionRetry.class);

    private final MeterRegistry meters;

    public TransactionRetry(MeterRegistry meters) {
        this.meters = meters;
    }

    /** True when {@code error}, or anything that caused it, is the database asking for the transaction again. */
    public static boolean retryable(Throwable error) {
        return RETRYABLE.match(error, true);
    }

    /**
     * The retry of one place that writes, named in the metric and the log; {@code alsoRetry} are the
     * place's own reasons to run its transaction again (e.g. the cancel's lost optimistic lock).
     */
    @SafeVarargs
    public final Place place(String name, Class<? extends Throwable>... alsoRetry) {
        Counter retries = Counter.builder("orders.transaction.retries")
                .description("transactions run again because the database aborted them (deadlock, lock wait)")
                .tag("place", name)
                .register(meters);
        var types = new ArrayList<>(DATABASE_SAYS_RETRY);
        types.addAll(List.of(alsoRetry));
        RetryTemplate template = new RetryTemplate(RetryPolicy.builder()
                .maxRetries(ATTEMPTS - 1)
                .delay(Duration.ofMillis(20))
                .jitter(Duration.ofMillis(15))
                .multiplier(2)
                .maxDelay(Duration.ofMillis(200))
                .includes(types)
                .build());
        template.setRetryListener(new RetryListener() {
            @Override
            public void beforeRetry(RetryPolicy policy, Retryable<?> retryable, RetryState state) {
                retries.increment();
                log.info(
                        "{}: transaction rolled back by the database, running it again: {}",
                        name,
                        String.valueOf(state.getLastException()));
            }
        });
        return new Place(template);
    }

    /** Where a transaction is run, at most {@value #ATTEMPTS} times. */
    public static final class Place {

        private final RetryTemplate template;

        private Place(RetryTemplate template) {
            this.template = template;
        }

        /** The transaction's result; the exception of its last attempt, unchanged, if none succeeded. */
        public <T> T run(Supplier<T> transaction) {
            return template.invoke(transaction);
        }
    }
}
