package com.example.orders.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/** Which failures a storefront sees as "the database is away, retry" (503) rather than a bug (500). */
class DatabaseUnavailableTest {

    @Test
    void noConnectionFromThePoolInTimeIsAnOutage() {
        var timeout = new SQLTransientConnectionException("Connection is not available, request timed out", "08001");

        assertThat(DatabaseUnavailable.causedBy(new CannotGetJdbcConnectionException("no connection", timeout)))
                .isTrue();
        assertThat(DatabaseUnavailable.causedBy(new CannotCreateTransactionException("begin", timeout)))
                .isTrue();
    }

    @Test
    void aConnectionLostMidTransactionIsAnOutage() {
        var lost = new SQLRecoverableException("Communications link failure", "08S01");
        var killed = new SQLException("Connection was killed", "70100", 1927);

        assertThat(DatabaseUnavailable.causedBy(new RecoverableDataAccessException("insert", lost)))
                .isTrue();
        assertThat(DatabaseUnavailable.causedBy(new TransactionSystemException("commit", killed)))
                .isTrue();
    }

    @Test
    void aRollbackThatFailsAfterTheConnectionWasLostIsAnOutage() {
        var rollbackFailed = new TransactionSystemException(
                "JDBC rollback failed", new SQLException("Connection is closed")); // Hikari's, no SQLState
        rollbackFailed.initApplicationException(new RecoverableDataAccessException(
                "insert", new SQLRecoverableException("Communications link failure", "08S01")));

        assertThat(DatabaseUnavailable.causedBy(rollbackFailed)).isTrue();
    }

    @Test
    void aCommitThatFailsAndLeavesARollbackThatCannotRunIsAnOutage() {
        // JdbcTransactionManager after a failed commit: it rolls back, and when that fails too it throws the
        // rollback's failure alone (seen when a Galera node left the cluster mid-commit)
        assertThat(DatabaseUnavailable.causedBy(new TransactionSystemException(
                        "JDBC rollback failed", new SQLException("Connection is closed"))))
                .isTrue();
    }

    @Test
    void aStatementTheDatabaseRefusesIsNotAnOutage() {
        var duplicate = new SQLException("Duplicate entry", "23000", 1062);

        assertThat(DatabaseUnavailable.causedBy(new DuplicateKeyException("insert", duplicate)))
                .isFalse();
        assertThat(DatabaseUnavailable.causedBy(new IllegalStateException("bug")))
                .isFalse();
    }

    @Test
    void theAnswerIsA503ProblemWithRetryAfter() {
        var answer = DatabaseUnavailable.answer(new IllegalStateException("test"));

        assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(answer.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("5");
        assertThat(answer.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(answer.getBody().getType()).isEqualTo(DatabaseUnavailable.TYPE);
        assertThat(answer.getBody().getTitle()).isEqualTo("Database unavailable");
    }
}
