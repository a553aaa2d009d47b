package com.example.orders.expiry;

import static com.example.orders.expiry.ItDatabase.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.example.orders.contracts.DelayCascade;
import com.example.orders.contracts.Headers;
import com.example.orders.contracts.Topology;
import com.rabbitmq.client.GetResponse;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.RabbitListenerEndpointRegistry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Batched expiry against the real database and broker: each message of a batch gets the outcome it
 * would have had alone, also when the batch's transaction has to give up on a sku; and the sweep
 * leaves orders whose messages are queued to those messages.
 *
 * <p>{@code expiry.stock-attempts=1} here, so that one lost optimistic lock exhausts a batch's
 * attempts (the three-attempt rule of the one-order transaction is covered by ExpiryHandlerTest and
 * OptimisticLockIT); the sweep is called by the tests, not by the scheduler.
 *
 * <p>The 0-9-1 consumer (its container is stopped and started here) on every broker; the consumer that
 * parks messages on RabbitMQ 4.3+ has ParkingExpiryIT.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class ExpiryBatchIT {

    @Autowired
    BatchExpiryHandler batches;

    @Autowired
    ExpirySweep sweep;

    @Autowired
    RabbitTemplate rabbit;

    @Autowired
    RabbitListenerEndpointRegistry listeners;

    @Autowired
    MeterRegistry meters;

    @DynamicPropertySource
    static void itStack(DynamicPropertyRegistry registry) {
        ItDatabase.register(registry);
        registry.add("orders.delay-transport", () -> "dead-letter-ttl");
        registry.add("expiry.stock-attempts", () -> 1);
        registry.add("expiry.sweep-interval", () -> "1h");
        registry.add("expiry.sweep-grace", () -> "1s");
    }

    @BeforeAll
    static void emptyStack() throws Exception {
        reset();
    }

    @Test
    void everyMessageOfAMixedBatchGetsItsOwnOutcomeAndTheDueOrdersExpireTogether() throws Exception {
        String p = prefix();
        product(p + "a", 10);
        product(p + "b", 10);
        Mixed batch = mixed(p);
        String due1 = order(p + "a", 2, "PENDING", -1);
        String due2 = order(p + "a", 3, "PENDING", -1);
        String due3 = order(p + "b", 1, "PENDING", -1);
        double fallbacks = counter("orders.expiry.batch.fallbacks");

        List<Message> failed = batches.handle(batch.with(due1, due2, due3));

        assertThat(failed).isEmpty();
        batch.assertOutcomes();
        for (String id : List.of(due1, due2, due3)) {
            assertThat(status(id)).isEqualTo("EXPIRED");
            assertThat(expiredEvents(id)).isEqualTo(1);
        }
        assertThat(stock(p + "a")).as("one give-back of 5 for two orders").isEqualTo(10);
        assertThat(stock(p + "b")).isEqualTo(10);
        assertThat(single("SELECT COUNT(DISTINCT closed_at) FROM orders WHERE id IN (?, ?, ?)", due1, due2, due3))
                .as("expired by one statement of one transaction")
                .isEqualTo("1");
        assertThat(counter("orders.expiry.batch.fallbacks")).isEqualTo(fallbacks);
    }

    @Test
    void batchWhoseHotSkuLosesItsLockFallsBackToOneOrderTransactionsAndEveryMessageStillGetsItsOwnOutcome()
            throws Exception {
        String p = prefix();
        product(p + "a-cold", 10);
        product(p + "z-hot", 10);
        Mixed batch = mixed(p);
        String cold = order(p + "a-cold", 4, "PENDING", -1);
        String hot = order(p + "z-hot", 2, "PENDING", -1);
        String hotToo = order(p + "z-hot", 1, "PENDING", -1);
        double fallbacks = counter("orders.expiry.batch.fallbacks");
        double conflicts = counter("orders.expiry.stock.conflicts");

        CompletableFuture<List<Message>> handled;
        try (Connection other = connection()) {
            other.setAutoCommit(false);
            // Another writer changes the hot product row (its version) and keeps it locked.
            try (var bump = other.prepareStatement("UPDATE product SET version = version + 1 WHERE sku = ?")) {
                bump.setString(1, p + "z-hot");
                assertThat(bump.executeUpdate()).isEqualTo(1);
            }
            handled = CompletableFuture.supplyAsync(() -> batches.handle(batch.with(cold, hot, hotToo)));
            // The batch has read the versions and restored the cold sku (sorted first): it now waits
            // for the hot row with a version that our commit makes stale.
            await().atMost(Duration.ofSeconds(20)).until(() -> rowLockedByAnotherTransaction(p + "a-cold"));
            other.commit();
        }

        assertThat(handled.get()).isEmpty();
        batch.assertOutcomes();
        for (String id : List.of(cold, hot, hotToo)) {
            assertThat(status(id)).isEqualTo("EXPIRED");
            assertThat(expiredEvents(id)).isEqualTo(1);
        }
        assertThat(stock(p + "a-cold")).isEqualTo(10);
        assertThat(stock(p + "z-hot")).isEqualTo(10);
        assertThat(counter("orders.expiry.batch.fallbacks")).isEqualTo(fallbacks + 1);
        assertThat(counter("orders.expiry.stock.conflicts")).isGreaterThan(conflicts);
    }

    @Test
    void sweepLeavesOverdueOrdersToTheirQueuedMessagesAndCountsNothingAsRescued() throws Exception {
        String p = prefix();
        product(p + "s", 100);
        double rescued = counter("orders.expiry.sweep.rescued");
        double byMessage =
                meters.counter("orders.expired", "trigger", "message").count();
        listeners.getListenerContainer(ExpiryListener.ID).stop();
        List<String> backlog = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                String id = order(p + "s", 1, "PENDING", -60);
                backlog.add(id);
                rabbit.send(
                        Topology.EXPIRY_EXCHANGE,
                        Topology.EXPIRE_KEY,
                        MessageBuilder.withBody(orderCreated(id)).build());
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> readyIn(Topology.EXPIRY_QUEUE) == 5);

            sweep.sweep();
            sweep.sweep();

            for (String id : backlog) {
                assertThat(status(id)).as("left to its queued message").isEqualTo("PENDING");
            }
        } finally {
            listeners.getListenerContainer(ExpiryListener.ID).start();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> allExpired(backlog));
        sweep.sweep();
        sweep.sweep();
        assertThat(counter("orders.expiry.sweep.rescued")).isEqualTo(rescued);
        assertThat(meters.counter("orders.expired", "trigger", "message").count())
                .isEqualTo(byMessage + 5);
        assertThat(stock(p + "s")).isEqualTo(100);

        // ... while an order whose message is really gone is rescued once the queues are quiet.
        String lost = order(p + "s", 1, "PENDING", -60);
        await().atMost(Duration.ofSeconds(10)).until(() -> readyIn(Topology.EXPIRY_QUEUE) == 0);
        sweep.sweep();
        sweep.sweep();
        assertThat(status(lost)).isEqualTo("EXPIRED");
        assertThat(counter("orders.expiry.sweep.rescued")).isEqualTo(rescued + 1);
    }

    /** Members every batch above carries besides its due orders, each with a known right outcome. */
    private Mixed mixed(String p) throws Exception {
        product(p + "m", 10);
        return new Mixed(
                order(p + "m", 1, "PAID", -1),
                order(p + "m", 1, "EXPIRED", -1),
                order(p + "m", 1, "PENDING", 3600),
                UUID.randomUUID().toString());
    }

    private final class Mixed {
        final String paid;
        final String alreadyExpired;
        final String early;
        final String unknown;
        final String p;

        Mixed(String paid, String alreadyExpired, String early, String unknown) throws SQLException {
            this.paid = paid;
            this.alreadyExpired = alreadyExpired;
            this.early = early;
            this.unknown = unknown;
            this.p = single("SELECT sku FROM order_item WHERE order_id = ?", paid);
        }

        List<Message> with(String... due) {
            List<Message> messages = new ArrayList<>();
            messages.add(message(orderCreated(paid)));
            for (String id : due) {
                messages.add(message(orderCreated(id)));
            }
            messages.add(message("{\"schemaVersion\": 1, \"orderId\": ".getBytes(StandardCharsets.UTF_8)));
            messages.add(message(orderCreated(alreadyExpired)));
            messages.add(message(orderCreated(early)));
            messages.add(message(orderCreated(unknown)));
            messages.add(message(orderCreated(due[0]))); // a duplicate of a due one in the same batch
            return messages;
        }

        void assertOutcomes() throws Exception {
            assertThat(status(paid)).isEqualTo("PAID");
            assertThat(status(alreadyExpired)).isEqualTo("EXPIRED");
            assertThat(expiredEvents(alreadyExpired)).isZero();
            assertThat(status(early)).isEqualTo("PENDING");
            assertThat(stock(p))
                    .as("nothing given back for paid, expired or early orders")
                    .isEqualTo(8);
            Map<String, String> dead = drain(Topology.DEAD_LETTER_QUEUE, Headers.DEAD_LETTER_REASON);
            assertThat(dead.values()).containsExactlyInAnyOrder("malformed", "unknown-order");
            assertThat(dead.keySet().stream().filter(body -> body.contains(unknown)))
                    .hasSize(1);
            Map<String, String> waiting = new HashMap<>();
            for (String level : DelayCascade.levelQueues()) { // sent back through the delay cascade
                waiting.putAll(drain(level, Headers.REPUBLISH_REASON));
            }
            assertThat(waiting).hasSize(1);
            assertThat(waiting.keySet().iterator().next()).contains(early);
            assertThat(waiting.values()).containsExactly("early");
        }
    }

    private static Message message(byte[] body) {
        return MessageBuilder.withBody(body).build();
    }

    /** Takes every message of the queue: body -> the given header. */
    private static Map<String, String> drain(String queue, String header) throws Exception {
        Map<String, String> found = new HashMap<>();
        try (var broker = broker()) {
            var channel = broker.createChannel();
            GetResponse got;
            while ((got = channel.basicGet(queue, true)) != null) {
                Object value = got.getProps().getHeaders() == null
                        ? null
                        : got.getProps().getHeaders().get(header);
                found.put(new String(got.getBody(), StandardCharsets.UTF_8), String.valueOf(value));
            }
        }
        return found;
    }

    private static long readyIn(String queue) throws Exception {
        try (var broker = broker()) {
            return broker.createChannel().queueDeclarePassive(queue).getMessageCount();
        }
    }

    private static boolean allExpired(List<String> ids) throws SQLException {
        for (String id : ids) {
            if (!"EXPIRED".equals(status(id))) {
                return false;
            }
        }
        return true;
    }

    /** True while another transaction holds the product row (the probe does not wait for it). */
    static boolean rowLockedByAnotherTransaction(String sku) throws SQLException {
        try (Connection probe = connection()) {
            probe.setAutoCommit(false);
            try (var select = probe.prepareStatement("SELECT stock FROM product WHERE sku = ? FOR UPDATE NOWAIT")) {
                select.setString(1, sku);
                select.executeQuery().close();
                return false;
            } catch (SQLException locked) {
                return true;
            } finally {
                probe.rollback();
            }
        }
    }

    private double counter(String name) {
        return meters.counter(name).count();
    }

    private static String prefix() {
        return "it-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    }
}
