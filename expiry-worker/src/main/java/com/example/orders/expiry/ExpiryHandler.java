package com.example.orders.expiry;

import com.example.orders.ExpiryProperties;
import com.example.orders.contracts.DeadLetterReason;
import com.example.orders.contracts.Headers;
import com.example.orders.contracts.OrderCreated;
import com.example.orders.contracts.RepublishReason;
import com.example.orders.expiry.jdbc.ExpiryOutcome;
import com.example.orders.expiry.jdbc.StockConflictException;
import com.example.orders.messaging.Republisher;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Decides what becomes of one expiry message: run the guarded rollback transaction, wait longer,
 * retry later, or dead-letter it with the reason. Returns normally when the message may be acked.
 * {@link BatchExpiryHandler} uses the same reading and deciding for each member of a batch, and
 * {@link #expireAlone} when a batch falls back to one transaction per order.
 *
 * <p>The body is read here rather than by a {@code MessageConverter}, so that an unreadable one is
 * dead-lettered with the parser's reason instead of a bare "rejected".
 */
@Component
class ExpiryHandler {

    private static final Logger log = LoggerFactory.getLogger(ExpiryHandler.class);

    private final ExpiryTransaction expiry;
    private final Republisher republisher;
    private final JsonMapper json;
    private final ExpiryProperties properties;
    private final MeterRegistry meters;
    private final Counter expiredByMessage;
    private final LateDeliveries late;

    ExpiryHandler(
            ExpiryTransaction expiry,
            Republisher republisher,
            JsonMapper json,
            ExpiryProperties properties,
            MeterRegistry meters,
            LateDeliveries late) {
        this.expiry = expiry;
        this.republisher = republisher;
        this.json = json;
        this.properties = properties;
        this.meters = meters;
        this.late = late;
        this.expiredByMessage = meters.counter("orders.expired", "trigger", "message");
    }

    void handle(Message message) {
        OrderCreated event = read(message);
        if (event != null) {
            expireAlone(message, event.orderId());
        }
    }

    /** The body as an {@code OrderCreated}; null once a body that can never succeed is dead-lettered. */
    OrderCreated read(Message message) {
        OrderCreated event;
        try {
            event = json.readValue(message.getBody(), OrderCreated.class);
        } catch (JacksonException e) {
            deadLetter(message, DeadLetterReason.MALFORMED, e.getOriginalMessage());
            return null;
        }
        if (event.schemaVersion() < 1) {
            deadLetter(message, DeadLetterReason.UNSUPPORTED_SCHEMA_VERSION, "schemaVersion " + event.schemaVersion());
            return null;
        }
        return event;
    }

    /** The one-order transaction; three lost optimistic locks roll it back and republish. */
    void expireAlone(Message message, String orderId) {
        try {
            decide(message, orderId, expiry.expire(orderId));
        } catch (StockConflictException | DataAccessException | TransactionException e) {
            // TransactionException: the database could not even begin or commit the transaction
            if (DatabaseAway.causedBy(e)) {
                waitForDatabase(message, e);
            } else {
                // A deadlock or lost certification that outlasted DatabaseRetry's attempts is a lock
                // conflict too (a hot row), not a statement the database refused.
                retryLater(
                        message,
                        e instanceof StockConflictException || DatabaseRetry.retryable(e)
                                ? RepublishReason.LOCK_CONFLICT
                                : RepublishReason.TRANSIENT_FAILURE,
                        e);
            }
        }
    }

    /**
     * The database is unreachable: not the message's fault, so this republish does not count toward
     * the dead-letter bound (an outage longer than the back-off would otherwise park every due order).
     * It comes back after the first retry delay; meanwhile each consumer waits out the pool's
     * connection timeout per message, which paces the loop.
     */
    private void waitForDatabase(Message message, RuntimeException cause) {
        meters.counter("orders.expiry.republished", "reason", RepublishReason.DATABASE_UNAVAILABLE.code())
                .increment();
        log.info(
                "Expiry rolled back (database unavailable), republished in {} ms: {}",
                properties.retryDelay().toMillis(),
                cause.getMessage());
        republisher.retryLater(
                message,
                properties.retryDelay().toMillis(),
                republishCount(message),
                RepublishReason.DATABASE_UNAVAILABLE);
    }

    void decide(Message message, String orderId, ExpiryOutcome outcome) {
        if (outcome instanceof ExpiryOutcome.Expired expired) {
            expiredByMessage.increment();
            late.expired(expired.latenessMillis());
            // DEBUG, not INFO: one line per expired order is thousands a second in a burst; the
            // orders_expired_total counter and the lateness histogram say the same to an operator.
            log.debug("Order {} expired {} ms after its deadline; stock restored", orderId, expired.latenessMillis());
        } else if (outcome instanceof ExpiryOutcome.AlreadyClosed closed) {
            log.debug("Order {} is {}, nothing to expire", orderId, closed.status());
        } else if (outcome instanceof ExpiryOutcome.NotDue notDue) {
            meters.counter("orders.expiry.republished", "reason", RepublishReason.EARLY.code())
                    .increment();
            log.info("Order {} message came {} ms early; waiting", orderId, notDue.remainingMillis());
            republisher.waitUntilDue(message, notDue.remainingMillis());
        } else {
            deadLetter(message, DeadLetterReason.UNKNOWN_ORDER, "no order " + orderId);
        }
    }

    private void retryLater(Message message, RepublishReason reason, RuntimeException cause) {
        int count = republishCount(message) + 1;
        if (count > properties.maxRepublishes()) {
            deadLetter(
                    message,
                    DeadLetterReason.RETRIES_EXHAUSTED,
                    "after %d republishes: %s".formatted(count - 1, cause.getMessage()));
            return;
        }
        long delay = Math.min(
                properties.retryDelay().toMillis() << Math.min(count - 1, 20),
                properties.maxRetryDelay().toMillis());
        meters.counter("orders.expiry.republished", "reason", reason.code()).increment();
        log.info(
                "Expiry rolled back ({}), republish #{} in {} ms: {}", reason.code(), count, delay, cause.getMessage());
        republisher.retryLater(message, delay, count, reason);
    }

    private void deadLetter(Message message, DeadLetterReason reason, String detail) {
        meters.counter("orders.expiry.dead.lettered", "reason", reason.code()).increment();
        log.warn("Expiry message dead-lettered ({}): {}", reason.code(), detail);
        republisher.deadLetter(message, reason, detail == null ? reason.code() : detail);
    }

    private static int republishCount(Message message) {
        Object count = message.getMessageProperties().getHeaders().get(Headers.REPUBLISH_COUNT);
        return count instanceof Number number ? number.intValue() : 0;
    }
}
