package com.example.orders.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.example.orders.contracts.Topology;
import com.example.orders.testsupport.Api;
import com.example.orders.testsupport.Broker;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** A customer cancels an unpaid order: the stock comes back at once, not at the deadline. */
class CancelIT {

    private static final Duration WITHIN_SECONDS = Duration.ofSeconds(20);

    private final Api api = SystemUnderTest.get().api();

    @Test
    void cancelledOrderGivesEveryItemsStockBackAtOnceAndRepeatingTheCancelAnswersTheSame() throws Exception {
        String mug = api.newProduct("cancel-mug", 10, 1250);
        String tea = api.newProduct("cancel-tea", 5, 499);
        try (var broker = SystemUnderTest.broker()) {
            String events = broker.bindEventsQueue(Topology.ORDER_CANCELLED_KEY);
            String id = api.order(Map.of(mug, 3, tea, 5)).text("id");
            assertThat(api.stock(mug)).isEqualTo(7);

            Api.Response cancelled = api.cancel(id);
            Api.Response again = api.cancel(id);

            assertThat(cancelled.status()).isEqualTo(200);
            assertThat(cancelled.text("status")).isEqualTo("CANCELLED");
            assertThat(cancelled.instant("closedAt")).isBefore(cancelled.instant("expiresAt"));
            assertThat(cancelled.body().path("paidAt").isNull()).isTrue();
            assertThat(api.stock(mug)).as("given back in the same request").isEqualTo(10);
            assertThat(api.stock(tea)).isEqualTo(5);
            assertThat(again.status()).isEqualTo(200);
            assertThat(again.body()).isEqualTo(cancelled.body());
            assertThat(api.getOrder(id).body()).isEqualTo(cancelled.body());

            await().atMost(WITHIN_SECONDS).untilAsserted(() -> {
                List<JsonNode> published = broker.drain(events).stream()
                        .map(Api.JSON::readTree)
                        .filter(event -> event.path("orderId").asString().equals(id))
                        .toList();
                assertThat(published).as("one OrderCancelled, not one per call").hasSize(1);
                JsonNode event = published.get(0);
                assertThat(event.path("schemaVersion").asInt()).isEqualTo(1);
                assertThat(event.path("eventId").asString()).isNotBlank();
                assertThat(event.path("occurredAt").asString()).isNotBlank();
                assertThat(event.path("restoredItems").toString()).contains(mug, tea);
            });
        }
    }

    @Test
    void cancelThatLosesTheOptimisticLockOnceWinsOnItsNextAttemptWithinTheSameRequest() throws Exception {
        String sku = api.newProduct("cancel-cas", 10, 100);
        String id = api.order(Map.of(sku, 4)).text("id");
        double conflictsBefore = api.orderServiceMetric("orders_cancel_stock_conflicts_total");

        CompletableFuture<Api.Response> cancel;
        try (Connection other = SystemUnderTest.DATABASE.connection()) {
            other.setAutoCommit(false);
            // Another writer changes the product row (its version) and keeps it locked ...
            try (var bump = other.prepareStatement("UPDATE product SET version = version + 1 WHERE sku = ?")) {
                bump.setString(1, sku);
                assertThat(bump.executeUpdate()).isEqualTo(1);
            }
            // ... while the cancel has marked the order CANCELLED (holding its row) and waits on the
            // product row with the version it read before ours is committed.
            cancel = CompletableFuture.supplyAsync(() -> api.cancel(id));
            await().atMost(WITHIN_SECONDS).until(() -> SystemUnderTest.DATABASE.orderRowLockedByAnotherTransaction(id));
            other.commit();
        }

        Api.Response cancelled = cancel.get(30, TimeUnit.SECONDS);
        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(cancelled.text("status")).isEqualTo("CANCELLED");
        assertThat(api.stock(sku)).isEqualTo(10);
        assertThat(api.orderServiceMetric("orders_cancel_stock_conflicts_total"))
                .as("the first attempt lost, the next read the committed version and won")
                .isGreaterThan(conflictsBefore);
    }

    @Test
    void paymentOfACancelledOrderIsRefusedAndChangesNothing() {
        String sku = api.newProduct("cancel-pay", 4, 100);
        String id = api.order(Map.of(sku, 2)).text("id");
        assertThat(api.cancel(id).status()).isEqualTo(200);

        Api.Response payment = api.pay(id, "pay-after-cancel");

        assertThat(payment.status()).isEqualTo(409);
        assertThat(payment.contentType()).startsWith("application/problem+json");
        assertThat(payment.text("type")).endsWith("/order-cancelled");
        assertThat(api.status(id)).isEqualTo("CANCELLED");
        assertThat(api.stock(sku)).isEqualTo(4);
    }

    @Test
    void paidOrderCannotBeCancelledAndKeepsItsStock() {
        String sku = api.newProduct("cancel-paid", 4, 100);
        String id = api.order(Map.of(sku, 2)).text("id");
        assertThat(api.pay(id, "pay-" + id).status()).isEqualTo(200);

        Api.Response cancel = api.cancel(id);

        assertThat(cancel.status()).isEqualTo(409);
        assertThat(cancel.contentType()).startsWith("application/problem+json");
        assertThat(cancel.text("type")).endsWith("/order-paid");
        assertThat(api.status(id)).isEqualTo("PAID");
        assertThat(api.stock(sku)).isEqualTo(2);
    }

    @Test
    void expiredOrderCannotBeCancelledAndItsStockIsNotGivenBackTwice() {
        String sku = api.newProduct("cancel-expired", 4, 100);
        String id = api.order(Map.of(sku, 2)).text("id");
        await().atMost(WITHIN_SECONDS).until(() -> api.status(id).equals("EXPIRED"));

        Api.Response cancel = api.cancel(id);

        assertThat(cancel.status()).isEqualTo(409);
        assertThat(cancel.text("type")).endsWith("/order-expired");
        assertThat(api.status(id)).isEqualTo("EXPIRED");
        assertThat(api.stock(sku)).isEqualTo(4);
    }

    @Test
    void unknownOrderIsNotFoundAndAnonymousCancelIsUnauthorized() {
        String sku = api.newProduct("cancel-auth", 4, 100);
        String id = api.order(Map.of(sku, 2)).text("id");

        Api.Response unknown = api.cancel("no-such-order");
        Api.Response anonymous = api.withToken("POST", "/api/orders/" + id + "/cancel", null);
        Api.Response wrongToken = api.withToken("POST", "/api/orders/" + id + "/cancel", "not-a-token");

        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.contentType()).startsWith("application/problem+json");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(wrongToken.status()).isEqualTo(401);
        assertThat(api.status(id)).isEqualTo("PENDING");
        assertThat(api.stock(sku)).isEqualTo(2);
    }

    @Test
    void expiryMessageOfACancelledOrderIsAckedWithoutExpiringItOrGivingStockBackAgain() throws Exception {
        String sku = api.newProduct("cancel-msg", 10, 100);
        Api.Response placed = api.order(Map.of(sku, 3));
        String id = placed.text("id");
        Instant expiresAt = placed.instant("expiresAt");
        assertThat(api.cancel(id).status()).isEqualTo(200);

        try (var broker = SystemUnderTest.broker()) {
            // Its own message comes at the deadline; a duplicate of it comes on top.
            await().atMost(WITHIN_SECONDS).until(() -> Instant.now().isAfter(expiresAt));
            broker.publishExpiry(Broker.orderCreated(id, expiresAt), Map.of());
            await().atMost(WITHIN_SECONDS)
                    .until(() -> broker.messageCount(Topology.EXPIRY_QUEUE) == 0 && broker.delayedCount() == 0);
            // A message the worker failed on would be back in the cascade or in the dead letters.
            await().pollDelay(Duration.ofSeconds(1))
                    .atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> {
                        assertThat(broker.delayedCount()).isZero();
                        assertThat(api.status(id)).isEqualTo("CANCELLED");
                        assertThat(api.stock(sku)).isEqualTo(10);
                    });
            assertThat(broker.drainDeadLetters()).noneMatch(dead -> dead.body().contains(id));
        }
        assertThat(api.orderServiceMetric("orders_cancelled_total")).isPositive();
    }
}
