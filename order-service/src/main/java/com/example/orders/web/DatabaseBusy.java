package com.example.orders.web;

import com.example.orders.transaction.TransactionRetry;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/**
 * The answer when the database kept aborting a request's transaction (a deadlock, a Galera
 * certification conflict, a lock wait timeout) through all of {@link TransactionRetry}'s attempts:
 * {@code 503}, {@code Retry-After: 1} and a problem of type {@code database-busy}, not a {@code 500}.
 * Every attempt was rolled back, so nothing was written and the same request again is safe.
 */
public final class DatabaseBusy {

    static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    static final String DETAIL = "The database aborted this request's transaction %d times in a row (conflicting"
                    .formatted(TransactionRetry.ATTEMPTS)
            + " writes); nothing was written. Repeat it (with the same Idempotency-Key or paymentId).";

    private static final Logger log = LoggerFactory.getLogger(DatabaseBusy.class);

    private DatabaseBusy() {}

    /** True when {@code error}, or anything that caused it, is the database asking for the transaction again. */
    static boolean causedBy(Throwable error) {
        return TransactionRetry.retryable(error);
    }

    static ResponseEntity<ProblemDetail> answer(Throwable cause) {
        log.warn(
                "Transaction aborted by the database {} times in a row, answering 503: {}",
                TransactionRetry.ATTEMPTS,
                cause.toString());
        var busy = new RetryLaterException("database-busy", DETAIL, RETRY_AFTER);
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .headers(busy.getHeaders())
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(busy.getBody());
    }
}
