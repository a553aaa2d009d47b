package com.example.orders.expiry;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.example.orders.contracts.DeadLetterReason;
import com.example.orders.contracts.Headers;
import com.example.orders.contracts.RepublishReason;
import com.example.orders.expiry.jdbc.ExpiryOutcome;
import com.example.orders.expiry.jdbc.StockConflictException;
import com.example.orders.messaging.Republisher;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.SQLTransactionRollbackException;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.transaction.CannotCreateTransactionException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The republish policy after a rolled-back expiry: back-off that doubles from one second, capped,
 * the count carried in a header, and the dead-letter queue once the bound is reached. (The broker and
 * the transaction themselves are exercised end to end in system-tests.)
 */
class ExpiryHandlerTest {

    private static final String ORDER = "0b6a1c1e-0000-4000-8000-000000000001";

    private final ExpiryTransaction expiry = mock(ExpiryTransaction.class);
    private final Republisher republisher = mock(Republisher.class);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ExpiryHandler handler = new ExpiryHandler(
            expiry,
            republisher,
            JsonMapper.builder().build(),
            TestProperties.defaults(),
            meters,
            new LateDeliveries(TestProperties.defaults(), meters));

    private static Message message(Integer republishCount) {
        var builder = MessageBuilder.withBody(("{\"schemaVersion\":1,\"eventId\":\"" + java.util.UUID.randomUUID()
                        + "\",\"occurredAt\":\"2026-01-01T00:00:00Z\",\"orderId\":\"" + ORDER
                        + "\",\"customerId\":\"c\",\"totalCents\":1,\"expiresAt\":\"2026-01-01T00:15:00Z\"}")
                .getBytes(StandardCharsets.UTF_8));
        if (republishCount != null) {
            builder.setHeader(Headers.REPUBLISH_COUNT, republishCount);
        }
        return builder.build();
    }

    @Test
    void firstLockConflictIsRetriedAfterOneSecondCountedAsTheFirstRepublish() {
        when(expiry.expire(ORDER)).thenThrow(new StockConflictException("sku", 3));
        Message message = message(null);

        handler.handle(message);

        verify(republisher).retryLater(message, 1_000, 1, RepublishReason.LOCK_CONFLICT);
    }

    @Test
    void eachFurtherConflictDoublesTheDelayUpToTheCap() {
        when(expiry.expire(ORDER)).thenThrow(new StockConflictException("sku", 3));
        Message fourth = message(3);
        Message ninth = message(8);

        handler.handle(fourth);
        handler.handle(ninth);

        verify(republisher).retryLater(fourth, 8_000, 4, RepublishReason.LOCK_CONFLICT);
        verify(republisher).retryLater(ninth, 30_000, 9, RepublishReason.LOCK_CONFLICT);
    }

    @Test
    void afterTheLastAllowedRepublishTheMessageIsDeadLetteredWithTheReason() {
        when(expiry.expire(ORDER)).thenThrow(new StockConflictException("sku", 3));
        Message message = message(10);

        handler.handle(message);

        verify(republisher).deadLetter(eq(message), eq(DeadLetterReason.RETRIES_EXHAUSTED), anyString());
        verify(republisher, never())
                .retryLater(
                        any(),
                        org.mockito.ArgumentMatchers.anyLong(),
                        org.mockito.ArgumentMatchers.anyInt(),
                        any(RepublishReason.class));
    }

    @Test
    void aDeadlockThatOutlastedTheTransactionsAttemptsIsRepublishedAsALockConflict() {
        when(expiry.expire(ORDER))
                .thenThrow(new CannotAcquireLockException(
                        "JDBC commit",
                        new SQLTransactionRollbackException(
                                "Deadlock found when trying to get lock; try restarting transaction", "40001", 1213)));
        Message message = message(null);

        handler.handle(message);

        verify(republisher).retryLater(message, 1_000, 1, RepublishReason.LOCK_CONFLICT);
    }

    @Test
    void databaseTroubleIsRetriedAsATransientFailure() {
        when(expiry.expire(ORDER)).thenThrow(new QueryTimeoutException("lock wait timeout"));
        Message message = message(null);

        handler.handle(message);

        verify(republisher).retryLater(message, 1_000, 1, RepublishReason.TRANSIENT_FAILURE);
    }

    @Test
    void messageThatComesEarlyWaitsForTheTimeLeftWithoutCountingARepublish() {
        when(expiry.expire(ORDER)).thenReturn(new ExpiryOutcome.NotDue(4_200));
        Message message = message(2);

        handler.handle(message);

        verify(republisher).waitUntilDue(message, 4_200);
    }

    @Test
    void databaseUnreachableAtTransactionStartRetriesLaterInsteadOfRequeueingTheMessage() {
        when(expiry.expire(ORDER))
                .thenThrow(new CannotCreateTransactionException("Could not open JDBC Connection for transaction"));
        Message message = message(null);

        handler.handle(message);

        verify(republisher).retryLater(message, 1_000, 1, RepublishReason.TRANSIENT_FAILURE);
        verify(republisher, never()).deadLetter(any(), any(DeadLetterReason.class), anyString());
    }

    @Test
    void anOutageOfTheDatabaseNeverDeadLettersAMessageHoweverOftenItWasRepublished() {
        when(expiry.expire(ORDER))
                .thenThrow(new CannotCreateTransactionException(
                        "Could not open JDBC Connection for transaction",
                        new java.sql.SQLTransientConnectionException(
                                "HikariPool-1 - Connection is not available, request timed out after 5000ms",
                                "08S01")));
        Message message = message(10);

        handler.handle(message);

        verify(republisher).retryLater(message, 1_000, 10, RepublishReason.DATABASE_UNAVAILABLE);
        verify(republisher, never()).deadLetter(any(), any(DeadLetterReason.class), anyString());
    }
}
