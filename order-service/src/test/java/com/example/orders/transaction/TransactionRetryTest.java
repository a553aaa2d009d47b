package com.example.orders.transaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
import java.sql.SQLTransactionRollbackException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.transaction.TransactionSystemException;

/**
 * Which failures run a transaction again, how often, and what is counted. The real deadlocks and
 * lock waits against the database are in {@link ConflictingWritesIT}; here the database's answer is
 * made up, including shapes that test cannot provoke (a conflict reported at commit, as Galera does).
 */
class TransactionRetryTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final TransactionRetry.Place place = new TransactionRetry(meters).place("test");
    private final AtomicInteger attempts = new AtomicInteger();

    @Test
    void aDeadlockIsRunAgainAndTheSecondAttemptsResultIsReturned() {
        String result = place.run(() -> {
            if (attempts.incrementAndGet() == 1) {
                throw new CannotAcquireLockException("deadlock", deadlock());
            }
            return "done";
        });

        assertThat(result).isEqualTo("done");
        assertThat(attempts).hasValue(2);
        assertThat(retries()).isEqualTo(1);
    }

    @Test
    void aConflictReportedAtCommitIsRunAgainToo() {
        place.run(() -> {
            if (attempts.incrementAndGet() == 1) {
                throw new TransactionSystemException("Could not commit JDBC transaction", deadlock());
            }
            return "done";
        });

        assertThat(attempts).hasValue(2);
    }

    @Test
    void aConflictThatPersistsIsTriedThreeTimesAndItsLastFailureIsThrown() {
        assertThatThrownBy(() -> place.run(() -> {
                    throw new CannotAcquireLockException("attempt " + attempts.incrementAndGet(), deadlock());
                }))
                .isInstanceOf(CannotAcquireLockException.class)
                .hasMessage("attempt 3")
                .satisfies(e -> assertThat(TransactionRetry.retryable(e)).isTrue());
        assertThat(attempts).hasValue(TransactionRetry.ATTEMPTS);
        assertThat(retries()).isEqualTo(2);
    }

    @Test
    void anyOtherFailureIsThrownAtOnceWithoutRetry() {
        var duplicate = new DuplicateKeyException("idempotency key taken");
        assertThatThrownBy(() -> place.run(() -> {
                    attempts.incrementAndGet();
                    throw duplicate;
                }))
                .isSameAs(duplicate);
        assertThat(attempts).hasValue(1);
        assertThat(retries()).isZero();
        assertThat(TransactionRetry.retryable(new IllegalStateException(new SQLException("syntax", "42000", 1064))))
                .isFalse();
    }

    private double retries() {
        return meters.counter("orders.transaction.retries", "place", "test").count();
    }

    /** What Connector/J throws for MySQL/MariaDB error 1213 (a deadlock, or a lost Galera certification). */
    private static SQLException deadlock() {
        return new SQLTransactionRollbackException(
                "Deadlock found when trying to get lock; try restarting transaction", "40001", 1213);
    }
}
