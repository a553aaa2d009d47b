package com.example.orders.expiry;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.example.orders.ExpiryProperties;
import com.example.orders.messaging.Republisher;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.transaction.CannotCreateTransactionException;
import tools.jackson.databind.json.JsonMapper;

/** What becomes of an expiry message when the database cannot even start the transaction. */
class ExpiryHandlerTest {

    private final ExpiryTransaction expiry = mock(ExpiryTransaction.class);
    private final Republisher republisher = mock(Republisher.class);
    private final ExpiryHandler handler = new ExpiryHandler(
            expiry,
            republisher,
            JsonMapper.builder().build(),
            new ExpiryProperties(
                    4,
                    10,
                    3,
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(30),
                    10,
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(10),
                    500,
                    Duration.ofMinutes(5),
                    Duration.ofSeconds(5)),
            new SimpleMeterRegistry());

    @Test
    void databaseUnreachableAtTransactionStartRetriesLaterInsteadOfRequeueingTheMessage() {
        when(expiry.expire("order-1"))
                .thenThrow(new CannotCreateTransactionException("Could not open JDBC Connection for transaction"));
        Message message = new Message(
                """
                {"schemaVersion":1,"eventId":"4b0c1f7e-2f6e-4a8e-9d57-3c8f0c3a9a11","occurredAt":"%s",\
                "orderId":"order-1","customerId":"c","totalCents":1,"expiresAt":"%s"}""".formatted(Instant.now(), Instant.now()).getBytes(StandardCharsets.UTF_8), new MessageProperties());

        assertThatCode(() -> handler.handle(message)).as("acked, not requeued").doesNotThrowAnyException();

        verify(republisher).retryLater(eq(message), eq(1_000L), eq(1), eq("transient-failure"));
        verify(republisher, never()).deadLetter(any(), anyString(), anyString());
        verify(republisher, never()).waitUntilDue(any(), anyLong());
    }
}
