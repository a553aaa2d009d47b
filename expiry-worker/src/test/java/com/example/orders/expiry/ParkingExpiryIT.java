package com.example.orders.expiry;

import static com.example.orders.expiry.ItDatabase.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.example.orders.contracts.Topology;
import com.example.orders.delay.CascadeTransport;
import com.example.orders.delay.Delayed;
import com.example.orders.delay.ParkedTransport;
import com.rabbitmq.client.amqp.Consumer;
import com.rabbitmq.client.amqp.Environment;
import com.rabbitmq.client.amqp.impl.AmqpEnvironmentBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * On RabbitMQ 4.3+ ({@code quorum-delay}) against the real database and broker: every wait happens in
 * the work queue itself, parked until its time. A new order's message is parked at once and expires the
 * order at its deadline, never before; a one-second retry comes back in its second while a 15-minute
 * order's message stays parked beside it; a message parked more often than the queue's delivery limit
 * still expires its order (parking is not a failed delivery); and messages that were waiting in the
 * delay cascade or the window queue when the worker moved to parking still expire theirs.
 *
 * <p>The worker's sessions give up a lock wait after 1 s here, so that a row the test holds makes the
 * expiry roll back and retry quickly; the sweep is off, so every expiry here is a message's.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class ParkingExpiryIT {

    /** The work queue's x-delivery-limit (Topology.expiryQueueArguments). */
    private static final int DELIVERY_LIMIT = 20;

    @Autowired
    RabbitTemplate rabbit;

    @Autowired
    MeterRegistry meters;

    @Autowired
    RabbitAdmin admin;

    @Autowired
    ParkingExpiryListener parking;

    @DynamicPropertySource
    static void itStack(DynamicPropertyRegistry registry) {
        ItDatabase.register(registry);
        registry.add("orders.delay-transport", () -> "quorum-delay");
        registry.add("expiry.sweep-interval", () -> "1h");
        registry.add("expiry.warm-up-batches", () -> 0);
        registry.add(
                "spring.datasource.hikari.connection-init-sql",
                () -> "SET time_zone = '+00:00', innodb_lock_wait_timeout = 1");
    }

    @BeforeAll
    static void onABrokerThatParks() throws Exception {
        assumeTrue(brokerParksMessages(), "RabbitMQ 4.3+ parks messages; this broker has no quorum-delay");
        reset();
    }

    @Test
    void aNewOrdersMessageIsParkedAtOnceAndExpiresTheOrderAtItsDeadlineNeverBefore() throws Exception {
        String sku = "parked-" + System.nanoTime();
        product(sku, 10);
        String id = order(sku, 1, "PENDING", 3);
        double parked = count("orders.expiry.parked", "reason", "not-due");
        double early = count("orders.expiry.republished", "reason", "early");

        publish(id, deadline(id));

        await().atMost(Duration.ofSeconds(10)).until(() -> count("orders.expiry.parked", "reason", "not-due") > parked);
        assertThat(status(id)).isEqualTo("PENDING");
        assertThat(readyIn(Topology.EXPIRY_QUEUE)).as("parked: not ready").isZero();

        await().atMost(Duration.ofSeconds(15)).until(() -> "EXPIRED".equals(status(id)));
        assertThat(closedNotBeforeItsDeadline(id))
                .as("never before its deadline")
                .isTrue();
        assertThat(stock(sku)).isEqualTo(10);
        assertThat(count("orders.expiry.republished", "reason", "early"))
                .as("its time came from the queue, not from a database query that found it early")
                .isEqualTo(early);
    }

    @Test
    void ordersDueWithinMillisecondsOfEachOtherAreParkedTogetherAndNoneExpiresBeforeItsOwnDeadline() throws Exception {
        String sku = "together-" + System.nanoTime();
        product(sku, 10);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String id = order(sku, 1, "PENDING", 3);
            // deadlines 4.75 ms apart, the last 19 ms after the first: all within expiry.park-together (50 ms by
            // default) of the first
            update("UPDATE orders SET expires_at = expires_at + INTERVAL ? MICROSECOND WHERE id = ?", 4_750 * i, id);
            ids.add(id);
        }
        double parked = count("orders.expiry.parked", "reason", "not-due");
        double early = count("orders.expiry.republished", "reason", "early");

        for (String id : ids) {
            publish(id, deadline(id));
        }

        await().atMost(Duration.ofSeconds(10))
                .until(() -> count("orders.expiry.parked", "reason", "not-due") >= parked + ids.size());
        await().atMost(Duration.ofSeconds(15))
                .until(() -> ids.stream().allMatch(id -> "EXPIRED".equals(statusOrNull(id))));
        for (String id : ids) {
            assertThat(closedNotBeforeItsDeadline(id))
                    .as(id + " never before its own deadline")
                    .isTrue();
        }
        assertThat(count("orders.expiry.republished", "reason", "early"))
                .as("a group parked until its latest deadline: none came back before its own")
                .isEqualTo(early);
        assertThat(stock(sku)).isEqualTo(10);
    }

    private static String statusOrNull(String id) {
        try {
            return status(id);
        } catch (Exception e) {
            return null;
        }
    }

    @Test
    void aOneSecondRetryComesBackInItsSecondWhileAFifteenMinuteOrderStaysParkedBesideIt() throws Exception {
        String sku = "retry-" + System.nanoTime();
        product(sku, 10);
        String waiting = order(sku, 1, "PENDING", 900);
        String retried = order(sku, 1, "PENDING", -1);
        publish(waiting, deadline(waiting));
        double conflicts = count("orders.expiry.republished", "reason", "lock-conflict");

        try (Connection holder = connection()) {
            holder.setAutoCommit(false);
            lockRow(holder, retried);
            publish(retried, deadline(retried));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> count("orders.expiry.republished", "reason", "lock-conflict") > conflicts);
            assertThat(status(retried)).isEqualTo("PENDING");
            holder.rollback(); // the row is free again: the retry, parked for 1 s, can expire it
        }

        await().atMost(Duration.ofSeconds(15)).until(() -> "EXPIRED".equals(status(retried)));
        assertThat(status(waiting)).as("its message parked for 15 minutes").isEqualTo("PENDING");
        assertThat(readyIn(Topology.EXPIRY_QUEUE)).isZero();
        assertThat(readyIn(Topology.DEAD_LETTER_QUEUE)).isZero();
    }

    @Test
    void aMessageParkedMoreOftenThanTheDeliveryLimitStillExpiresItsOrder() throws Exception {
        String sku = "returned-" + System.nanoTime();
        product(sku, 10);
        String id = order(sku, 1, "PENDING", -1);
        int parks = DELIVERY_LIMIT + 5;
        parking.destroy(); // the worker stops consuming while the test parks the message itself
        try {
            publish(id, deadline(id));
            parkRepeatedly(parks);
        } finally {
            parking.start();
        }

        await().atMost(Duration.ofSeconds(15)).until(() -> "EXPIRED".equals(status(id)));
        assertThat(readyIn(Topology.DEAD_LETTER_QUEUE))
                .as("not dead-lettered by the delivery limit")
                .isZero();
        assertThat(stock(sku)).isEqualTo(10);
    }

    @Test
    void messagesWaitingInTheCascadeOrTheWindowQueueWhenTheWorkerMovedToParkingStillExpireTheirOrders()
            throws Exception {
        String sku = "upgrade-" + System.nanoTime();
        product(sku, 10);
        String inCascade = order(sku, 1, "PENDING", 2);
        String inWindow = order(sku, 1, "PENDING", 3);
        // as order-service on dead-letter-ttl declared and published them before the upgrade (3 s window)
        var window = CascadeTransport.withWindow(3_000);
        for (var declarable : window.declarables()) {
            if (declarable instanceof org.springframework.amqp.core.Exchange exchange) {
                admin.declareExchange(exchange);
            } else if (declarable instanceof org.springframework.amqp.core.Queue queue) {
                admin.declareQueue(queue);
            } else if (declarable instanceof org.springframework.amqp.core.Binding binding) {
                admin.declareBinding(binding);
            }
        }
        send(CascadeTransport.cascadeOnly().again(2_000), inCascade);
        send(window.publish(3_000), inWindow);

        // the sweep is off here: only their messages can expire them
        await().atMost(Duration.ofSeconds(20))
                .until(() -> "EXPIRED".equals(status(inCascade)) && "EXPIRED".equals(status(inWindow)));
        assertThat(closedNotBeforeItsDeadline(inCascade)).isTrue();
        assertThat(closedNotBeforeItsDeadline(inWindow)).isTrue();
    }

    /** Takes the work queue's one message over AMQP 1.0 and parks it for 10 ms, {@code times} times. */
    private static void parkRepeatedly(int times) throws Exception {
        AtomicInteger parked = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(1);
        Environment environment = new AmqpEnvironmentBuilder().build();
        try (var connection = environment
                .connectionBuilder()
                .host(RABBIT_HOST)
                .port(RABBIT_PORT)
                .username("guest")
                .password("guest")
                .virtualHost(RABBIT_VHOST)
                .build()) {
            Consumer consumer = connection
                    .consumerBuilder()
                    .queue(Topology.EXPIRY_QUEUE)
                    .initialCredits(1)
                    .messageHandler((context, message) -> {
                        if (parked.incrementAndGet() <= times) {
                            context.requeue(Map.of(ParkedTransport.DELIVERY_TIME, System.currentTimeMillis() + 10));
                        } else {
                            context.requeue(); // back as it is, for the worker
                            done.countDown();
                        }
                    })
                    .build();
            assertThat(done.await(30, TimeUnit.SECONDS))
                    .as("parked " + parked.get() + " times")
                    .isTrue();
            consumer.close();
        } finally {
            environment.close();
        }
    }

    private void publish(String orderId, Instant deadline) {
        rabbit.send(
                Topology.EXPIRY_EXCHANGE,
                Topology.EXPIRE_KEY,
                MessageBuilder.withBody(orderCreated(orderId, deadline)).build());
    }

    private void send(Delayed delayed, String orderId) throws Exception {
        rabbit.send(
                delayed.exchange(),
                delayed.routingKey(),
                MessageBuilder.withBody(orderCreated(orderId, deadline(orderId)))
                        .build());
    }

    private double count(String name, String tag, String value) {
        var counter = meters.find(name).tag(tag, value).counter();
        return counter == null ? 0 : counter.count();
    }

    private static void lockRow(Connection holder, String orderId) throws Exception {
        try (var select = holder.prepareStatement("SELECT status FROM orders WHERE id = ? FOR UPDATE")) {
            select.setString(1, orderId);
            select.executeQuery().close();
        }
    }

    private static boolean closedNotBeforeItsDeadline(String orderId) throws Exception {
        return "1".equals(single("SELECT closed_at >= expires_at FROM orders WHERE id = ?", orderId));
    }

    private static long readyIn(String queue) throws Exception {
        try (var broker = broker()) {
            return broker.createChannel().queueDeclarePassive(queue).getMessageCount();
        }
    }
}
