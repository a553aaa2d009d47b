package com.example.orders.web;

import java.net.URI;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * The answer while the database is unreachable: {@code 503} with {@code Retry-After} and a problem
 * whose {@code type} ends in {@code database-unavailable}, instead of a {@code 500} after the pool's
 * wait. "Unreachable" is read from the cause chain: no connection from the pool in time (Hikari's
 * {@link SQLTransientConnectionException}), a connection refused or lost (SQLState class {@code 08},
 * Connector/J's {@code CommunicationsException} is a {@link SQLRecoverableException}), or the server
 * killing the connection mid-statement (MariaDB/MySQL error 1927). Every statement of the request ran
 * in a transaction that then did not commit, so the client may repeat the same request. The pool
 * closes a connection that failed so, and the rollback that follows then fails too ("Connection is
 * closed", no SQLState): Spring throws that rollback failure with the first failure kept as its
 * application exception, which is read as well (a Galera node killed under order-service answered
 * such requests 500 before). A rollback that fails over JDBC at all counts alone: a connection that can
 * still reach the database rolls back. That is also how a failed commit shows when Spring's
 * {@code JdbcTransactionManager} rolls back after it and the rollback fails: it throws the rollback's
 * failure without the commit's (a Galera node leaving the cluster answered a commit "WSREP has not yet
 * prepared node for application use", and the request was answered 500). Whether such a commit took
 * effect is unknown, which the client's repeat with the same key resolves.
 */
public final class DatabaseUnavailable {

    static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    static final URI TYPE = URI.create(ProblemHandler.TYPE_BASE + "database-unavailable");

    private static final int ER_CONNECTION_KILLED = 1927;
    private static final long LOG_EVERY_NANOS = Duration.ofSeconds(10).toNanos();
    private static final Logger log = LoggerFactory.getLogger(DatabaseUnavailable.class);
    private static final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);

    private DatabaseUnavailable() {}

    /** True when {@code error}, or anything that caused it, says the database cannot be reached. */
    public static boolean causedBy(Throwable error) {
        Throwable cause = error;
        for (int depth = 0; cause != null && depth < 20; depth++, cause = cause.getCause()) {
            if (cause instanceof CannotGetJdbcConnectionException
                    || cause instanceof SQLTransientConnectionException
                    || cause instanceof SQLNonTransientConnectionException
                    || cause instanceof SQLRecoverableException) {
                return true;
            }
            if (cause instanceof SQLException sql
                    && ((sql.getSQLState() != null && sql.getSQLState().startsWith("08"))
                            || sql.getErrorCode() == ER_CONNECTION_KILLED)) {
                return true;
            }
            if (cause instanceof TransactionSystemException rollbackFailed
                    && (rollbackFailed.getCause() instanceof SQLException
                            || rollbackFailed.getApplicationException() != null
                                    && causedBy(rollbackFailed.getApplicationException()))) {
                return true;
            }
        }
        return false;
    }

    static ProblemDetail problem() {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                HttpStatus.SERVICE_UNAVAILABLE,
                "The orders database cannot be reached; this request did not complete. Repeat it (with the same"
                        + " Idempotency-Key or paymentId) after %d seconds.".formatted(RETRY_AFTER.toSeconds()));
        problem.setType(TYPE);
        problem.setTitle("Database unavailable");
        return problem;
    }

    /** The 503 itself; logs the cause at most every 10 s (an outage would otherwise log every request). */
    static ResponseEntity<ProblemDetail> answer(Throwable cause) {
        long now = System.nanoTime();
        long last = lastLogged.get();
        if (now - last >= LOG_EVERY_NANOS && lastLogged.compareAndSet(last, now)) {
            log.warn("Database unavailable, answering 503: {}", cause.toString());
        }
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(RETRY_AFTER.toSeconds()))
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem());
    }
}
