package com.example.orders.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.example.orders.contracts.Headers;
import com.example.orders.contracts.Topology;
import com.example.orders.testsupport.Api;
import com.example.orders.testsupport.Broker;
import com.example.orders.testsupport.Rabbitmqctl;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The worker fed messages it can never act on: each is parked in the dead-letter queue with its
 * reason, nothing is written, and the consumer carries on. Messages that lie about the deadline
 * change nothing: the database's deadline decides.
 */
class BadMessageIT {

    private final Api api = BadInputFixture.get().api;

    static Stream<Arguments> badMessages() {
        String unknown = UUID.randomUUID().toString();
        return Stream.of(
                bad("not JSON", "expire order 42 please", "malformed"),
                bad("truncated", created(unknown, Instant.now()).substring(0, 40), "malformed"),
                bad("empty body", "", "malformed"),
                Arguments.of(Named.of("invalid UTF-8", new byte[] {(byte) 0xC3, (byte) 0x28, '{', '}'}), "malformed"),
                bad("a JSON array", "[1,2,3]", "malformed"),
                bad("no orderId", "{\"schemaVersion\":1,\"eventId\":\"" + UUID.randomUUID() + "\"}", "malformed"),
                bad(
                        "version as text",
                        created(unknown, Instant.now()).replace("\"schemaVersion\":1", "\"schemaVersion\":\"one\""),
                        "malformed"),
                bad(
                        "deadline not a time",
                        created(unknown, Instant.now())
                                .replaceAll("\"expiresAt\":\"[^\"]*\"", "\"expiresAt\":\"soon\""),
                        "malformed"),
                bad(
                        "version 0",
                        created(unknown, Instant.now()).replace("\"schemaVersion\":1", "\"schemaVersion\":0"),
                        "unsupported-schema-version"),
                bad(
                        "version -7",
                        created(unknown, Instant.now()).replace("\"schemaVersion\":1", "\"schemaVersion\":-7"),
                        "unsupported-schema-version"),
                bad("unknown order", created(unknown, Instant.now()), "unknown-order"),
                bad("unknown order, 10 000 character id", created("o".repeat(10_000), Instant.now()), "unknown-order"),
                bad("unknown order, unicode id", created("\u8ba2\u5355-\uD83D\uDE00", Instant.now()), "unknown-order"),
                bad(
                        "unknown order, deadline in the year 999 999 999",
                        created(UUID.randomUUID().toString(), Instant.parse("+999999999-01-01T00:00:00Z")),
                        "unknown-order"));
    }

    private static Arguments bad(String name, String body, String reason) {
        return Arguments.of(Named.of(name, body.getBytes(StandardCharsets.UTF_8)), reason);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badMessages")
    void messageTheWorkerCanNeverActOnIsDeadLetteredWithItsReasonAndWritesNothing(byte[] body, String reason) {
        long orders = BadInputFixture.orderCount();
        long stock = BadInputFixture.stockAndHeld();

        String messageId = Settings.withBroker(broker -> broker.publishExpiry(body, Map.of()));

        Broker.Dead dead = awaitDeadLetter(messageId);
        assertThat(dead.header(Headers.DEAD_LETTER_REASON)).isEqualTo(reason);
        assertThat(dead.header(Headers.DEAD_LETTER_DETAIL)).isNotBlank();
        assertThat(BadInputFixture.orderCount()).isEqualTo(orders);
        assertThat(Settings.db().count("""
                        SELECT COUNT(*) FROM outbox x WHERE x.event_type = 'OrderExpired' AND NOT EXISTS
                        (SELECT 1 FROM orders o WHERE o.id = JSON_VALUE(x.payload, '$.orderId') AND o.status = 'EXPIRED')
                        """))
                .as("no OrderExpired written for an order that did not expire")
                .isZero();
        assertThat(BadInputFixture.stockAndHeld()).isEqualTo(stock);
        await("consumer not stuck: the work queue drains")
                .atMost(Duration.ofSeconds(15))
                .until(() -> Settings.rabbitmqctl()
                        .queues(Settings.vhost())
                        .get(Topology.EXPIRY_QUEUE)
                        .equals(new Rabbitmqctl.QueueState(0, 0)));
    }

    @Test
    void messageClaimingTheDeadlinePassedLongAgoDoesNotExpireAnOrderStillInTime() {
        Api.Response placed = placeOne();
        String id = placed.text("id");

        double early = BadInputFixture.workerMetric("orders_expiry_republished_total{reason=\"early\"}");

        Settings.withBroker(
                broker -> broker.publishExpiry(created(id, Instant.parse("1970-01-01T00:00:00Z")), Map.of()));

        await().atMost(Duration.ofSeconds(3))
                .until(() -> BadInputFixture.workerMetric("orders_expiry_republished_total{reason=\"early\"}") > early);
        assertThat(api.pay(id, "pay-" + id).status())
                .as("still payable before its real deadline")
                .isEqualTo(200);
    }

    @Test
    void messageClaimingAnAbsurdDelayDoesNotKeepAnOrderPastItsRealDeadline() {
        long stock = BadInputFixture.stockAndHeld();
        Api.Response placed = placeOne();
        String id = placed.text("id");

        Settings.withBroker(broker -> broker.publishExpiry(
                created(id, Instant.parse("+999999999-01-01T00:00:00Z")).getBytes(StandardCharsets.UTF_8),
                Map.of(Headers.DELAY, Long.MAX_VALUE, Headers.REPUBLISH_COUNT, Integer.MAX_VALUE)));

        await().atMost(Settings.PAYMENT_TIMEOUT.plusSeconds(10))
                .until(() -> "EXPIRED".equals(orderStatus(id).orElse(null)));
        assertThat(Settings.db()
                        .count(
                                "SELECT COUNT(*) FROM outbox WHERE event_type = 'OrderExpired' "
                                        + "AND JSON_VALUE(payload, '$.orderId') = ?",
                                id))
                .as("expired exactly once")
                .isEqualTo(1);
        assertThat(BadInputFixture.stockAndHeld()).isEqualTo(stock);
    }

    private Api.Response placeOne() {
        Api.Response placed = api.placeOrder(
                "{\"customerId\":\"c\",\"items\":[{\"sku\":\"bad-b\",\"quantity\":2}]}",
                UUID.randomUUID().toString());
        assertThat(placed.status()).isEqualTo(201);
        return placed;
    }

    private static Optional<String> orderStatus(String id) {
        return Settings.db().query("SELECT status FROM orders WHERE id = ?", rs -> rs.getString(1), id).stream()
                .findFirst();
    }

    private static Broker.Dead awaitDeadLetter(String messageId) {
        List<Broker.Dead> seen = new ArrayList<>();
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            seen.addAll(Settings.withBroker(Broker::drainDeadLetters));
            return seen.stream().anyMatch(d -> messageId.equals(d.messageId()));
        });
        return seen.stream()
                .filter(d -> messageId.equals(d.messageId()))
                .findFirst()
                .orElseThrow();
    }

    static String created(String orderId, Instant expiresAt) {
        return Api.JSON.writeValueAsString(Map.of(
                "schemaVersion",
                1,
                "eventId",
                UUID.randomUUID().toString(),
                "occurredAt",
                Instant.now().toString(),
                "orderId",
                orderId,
                "customerId",
                "c",
                "totalCents",
                1,
                "expiresAt",
                expiresAt.toString()));
    }
}
