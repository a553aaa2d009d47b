package com.example.orders.expiry;

import static com.example.orders.expiry.ItDatabase.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.example.orders.contracts.RepublishReason;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Against the real database and broker: an expiry whose transaction the database aborts (a genuine
 * deadlock, error 1213; a lock wait timeout, 1205) is run again, whole, on each of the worker's
 * paths (the batch, the one-order transaction, the sweep), and every due order still ends EXPIRED
 * once with its stock back once, without a republish. A second connection, the test's, plays the
 * other writer; the worker's sessions wait 1 s for a lock here instead of 50 s.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class ConflictingExpiryIT {

    @Autowired
    BatchExpiryHandler batches;

    @Autowired
    ExpiryHandler single;

    @Autowired
    ExpirySweep sweep;

    @Autowired
    MeterRegistry meters;

    private final String p = "cx-" + UUID.randomUUID().toString().substring(0, 8) + "-";

    /** The other writer: its own connection, its own transaction. */
    private Connection other;

    @DynamicPropertySource
    static void itStack(DynamicPropertyRegistry registry) {
        ItDatabase.register(registry);
        registry.add(
                "spring.datasource.hikari.connection-init-sql",
                () -> "SET time_zone = '+00:00', innodb_lock_wait_timeout = 1");
        registry.add("expiry.sweep-interval", () -> "1h");
        registry.add("expiry.sweep-grace", () -> "1s");
    }

    @BeforeAll
    static void emptyStack() throws Exception {
        reset();
    }

    @BeforeEach
    void otherWriter() throws SQLException {
        product(p + "a", 10);
        product(p + "b", 10);
        other = connection();
        other.setAutoCommit(false);
    }

    @AfterEach
    void release() throws SQLException {
        other.rollback();
        other.close();
    }

    @Test
    void dueOrdersWhoseBatchIsCaughtInADeadlockAreExpiredOnceWithTheirStockBackOnce() throws Exception {
        String first = order(p + "a", 2, "PENDING", -1);
        String second = order(p + "b", 3, "PENDING", -1);
        double retries = retries("expiry-batch");
        double fallbacks = meters.counter("orders.expiry.batch.fallbacks").count();
        // The other writer has changed many rows (the database undoes the transaction that did less:
        // the batch) and holds b.
        for (int i = 0; i < 40; i++) {
            other("INSERT INTO product (sku, name, price_cents, stock) VALUES (?, 'ballast', 1, 1)", p + "z" + i);
        }
        other("SELECT stock FROM product WHERE sku = ? FOR UPDATE", p + "b");

        CompletableFuture<List<Message>> handled =
                CompletableFuture.supplyAsync(() -> batches.handle(List.of(message(first), message(second))));
        // The batch locks its orders, gives a's stock back (skus in order) and waits for b's ...
        await().atMost(Duration.ofSeconds(5)).until(() -> ExpiryBatchIT.rowLockedByAnotherTransaction(p + "a"));
        // ... when the other writer asks for one of those orders: a deadlock, the batch is aborted.
        other("SELECT status FROM orders WHERE id = ? FOR UPDATE", first);
        other.rollback();

        assertThat(handled.get(20, TimeUnit.SECONDS))
                .as("messages left to requeue")
                .isEmpty();
        assertExpiredOnce(first, second);
        assertThat(retries("expiry-batch")).isGreaterThan(retries);
        assertThat(meters.counter("orders.expiry.batch.fallbacks").count())
                .as("the batch itself succeeded when run again")
                .isEqualTo(fallbacks);
    }

    @Test
    void anOrderExpiredAloneThatWaitsTooLongForItsStockOnceIsExpiredWithoutARepublish() throws Exception {
        String order = order(p + "a", 2, "PENDING", -1);
        double retries = retries("expiry-one");
        double republished = republished();
        other("SELECT stock FROM product WHERE sku = ? FOR UPDATE", p + "a");

        CompletableFuture<Void> handled = CompletableFuture.runAsync(() -> single.handle(message(order)));
        await().atMost(Duration.ofSeconds(5)).until(() -> retries("expiry-one") > retries);
        other.rollback();

        handled.get(20, TimeUnit.SECONDS);
        assertExpiredOnce(order);
        assertThat(republished()).isEqualTo(republished);
    }

    @Test
    void aLostMessagesOrderThatTheSweepFindsLockedOnceIsStillRescued() throws Exception {
        String lost = order(p + "b", 4, "PENDING", -30);
        double rescued = meters.counter("orders.expiry.sweep.rescued").count();
        double retries = retries("expiry-batch");
        other("SELECT stock FROM product WHERE sku = ? FOR UPDATE", p + "b");

        // The sweep takes an order it has seen overdue at two runs in a row (a run right after the
        // other tests' late expiries only notes those); the run that takes it meets the lock.
        CompletableFuture<Void> swept = CompletableFuture.runAsync(() -> {
            for (int run = 0; run < 3; run++) {
                sweep.sweep();
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> retries("expiry-batch") > retries);
        other.rollback();

        swept.get(20, TimeUnit.SECONDS);
        assertExpiredOnce(lost);
        assertThat(meters.counter("orders.expiry.sweep.rescued").count()).isEqualTo(rescued + 1);
    }

    private void assertExpiredOnce(String... orderIds) throws SQLException {
        for (String id : orderIds) {
            assertThat(status(id)).isEqualTo("EXPIRED");
            assertThat(expiredEvents(id)).isEqualTo(1);
        }
        assertThat(stock(p + "a")).isEqualTo(10);
        assertThat(stock(p + "b")).isEqualTo(10);
    }

    private double retries(String place) {
        return meters.counter("orders.transaction.retries", "place", place).count();
    }

    private double republished() {
        double sum = 0;
        for (RepublishReason reason : RepublishReason.values()) {
            sum += meters.counter("orders.expiry.republished", "reason", reason.code())
                    .count();
        }
        return sum;
    }

    private void other(String sql, String parameter) throws SQLException {
        try (var statement = other.prepareStatement(sql)) {
            statement.setString(1, parameter);
            statement.execute();
        }
    }

    private static Message message(String orderId) {
        return MessageBuilder.withBody(orderCreated(orderId))
                .setContentType("application/json")
                .build();
    }
}
