package com.example.orders.expiry;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * Reads a failure's cause chain for "the database cannot be reached": no pooled connection in time
 * (Hikari), a connection refused or lost (SQLState class {@code 08}; Connector/J's
 * {@code CommunicationsException}), or killed by the server mid-statement (error 1927). Such a
 * failure says nothing about the message, unlike a lock conflict or a statement the database refuses.
 */
final class DatabaseAway {

    private static final int ER_CONNECTION_KILLED = 1927;

    private DatabaseAway() {}

    static boolean causedBy(Throwable error) {
        Throwable cause = error;
        for (int depth = 0; cause != null && depth < 20; depth++, cause = cause.getCause()) {
            if (cause instanceof SQLTransientConnectionException
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
                    && rollbackFailed.getApplicationException() != null
                    && causedBy(rollbackFailed.getApplicationException())) {
                return true; // the rollback on the connection the pool had closed failed after it
            }
        }
        return false;
    }
}
