package com.example.orders.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.example.orders.testsupport.Api;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The life of one order as a storefront sees it: placed, paid or not, expired on time. */
class OrderLifecycleIT {

    private static final Duration WITHIN_SECONDS = Duration.ofSeconds(30);

    private final SystemUnderTest system = SystemUnderTest.get();
    private final Api api = system.api();

    @Test
    void unpaidOrderExpiresShortlyAfterItsDeadlineAndEveryItemsStockComesBack() throws Exception {
        String mug = api.newProduct("mug", 10, 1250);
        String tea = api.newProduct("tea", 5, 499);
        double rescuedBefore = api.workerMetric("orders_expiry_sweep_rescued_total");
        try (var broker = SystemUnderTest.broker()) {
            String events = broker.bindEventsQueue("order.expired");

            Api.Response placed = api.order(Map.of(mug, 3, tea, 5));
            assertThat(placed.status()).isEqualTo(201);
            assertThat(api.stock(mug)).isEqualTo(7);
            assertThat(api.stock(tea)).isZero();
            String id = placed.text("id");

            await().atMost(WITHIN_SECONDS).until(() -> api.status(id).equals("EXPIRED"));

            Api.Response expired = api.getOrder(id);
            assertThat(expired.instant("closedAt")).isAfterOrEqualTo(expired.instant("expiresAt"));
            assertThat(expired.body().path("paidAt").isNull()).isTrue();
            assertThat(api.stock(mug)).isEqualTo(10);
            assertThat(api.stock(tea)).isEqualTo(5);
            assertThat(api.workerMetric("orders_expiry_sweep_rescued_total"))
                    .as("expired by its message, not rescued by the sweep")
                    .isEqualTo(rescuedBefore);
            await().atMost(WITHIN_SECONDS)
                    .untilAsserted(() ->
                            assertThat(String.join("\n", broker.drain(events))).contains(id));
        }
    }

    @Test
    void paidOrderStaysPaidAfterItsDeadlineAndItsStockStaysTaken() {
        String sku = api.newProduct("lamp", 4, 3000);
        Api.Response placed = api.order(Map.of(sku, 2));
        String id = placed.text("id");

        Api.Response paid = api.pay(id, "pay-" + id);
        assertThat(paid.status()).isEqualTo(200);
        assertThat(paid.text("status")).isEqualTo("PAID");
        assertThat(paid.body().path("paidAt").isString()).isTrue();

        await().atMost(WITHIN_SECONDS)
                .until(() -> Instant.now()
                        .isAfter(placed.instant("expiresAt").plus(SystemUnderTest.SWEEP_GRACE.plusSeconds(2))));
        assertThat(api.status(id)).isEqualTo("PAID");
        assertThat(api.stock(sku)).isEqualTo(2);
    }

    @Test
    void paymentAfterTheDeadlineIsRefusedWithConflictAndChangesNothing() {
        String sku = api.newProduct("kettle", 3, 2500);
        Api.Response placed = api.order(Map.of(sku, 1));
        String id = placed.text("id");
        await().atMost(WITHIN_SECONDS)
                .until(() -> Instant.now().isAfter(placed.instant("expiresAt").plusMillis(50)));

        Api.Response late = api.pay(id, "late-" + id);

        assertThat(late.status()).isEqualTo(409);
        assertThat(late.contentType()).startsWith("application/problem+json");
        await().atMost(WITHIN_SECONDS).until(() -> api.status(id).equals("EXPIRED"));
        Api.Response order = api.getOrder(id);
        assertThat(order.body().path("paidAt").isNull()).isTrue();
        assertThat(api.stock(sku)).isEqualTo(3);
        assertThat(api.pay(id, "late-" + id).status())
                .as("still refused once expired")
                .isEqualTo(409);
    }

    @Test
    void repeatingAPaymentIsAcceptedOnceButAnotherPaymentIdIsRefused() {
        String sku = api.newProduct("cup", 5, 100);
        String id = api.order(Map.of(sku, 1)).text("id");

        assertThat(api.pay(id, "p-1").status()).isEqualTo(200);
        assertThat(api.pay(id, "p-1").status()).isEqualTo(200);
        assertThat(api.pay(id, "p-2").status()).isEqualTo(409);
        assertThat(api.pay("no-such-order", "p-1").status()).isEqualTo(404);
        assertThat(api.stock(sku)).isEqualTo(4);
    }

    @Test
    void sameIdempotencyKeyReturnsTheFirstOrderAndReservesStockOnce() {
        String sku = api.newProduct("pen", 10, 150);
        Map<String, Object> body = Api.orderBody("customer-idem", Map.of(sku, 2));
        Map<String, String> key = Map.of("Idempotency-Key", "key-" + sku);

        Api.Response first = api.placeOrder(body, key);
        Api.Response again = api.placeOrder(body, key);

        assertThat(first.status()).isEqualTo(201);
        assertThat(first.header("Location")).hasValue("/api/orders/" + first.text("id"));
        assertThat(again.text("id")).isEqualTo(first.text("id"));
        assertThat(api.stock(sku)).isEqualTo(8);
    }

    @Test
    void timestampsKeepTheirMillisecondsAndTheDeadlineIsExactlyThePaymentTimeout() {
        String sku = api.newProduct("clip", 100, 10);
        List<Api.Response> orders = java.util.stream.IntStream.range(0, 5)
                .mapToObj(i -> api.order(Map.of(sku, 1)))
                .toList();

        for (Api.Response order : orders) {
            assertThat(order.text("createdAt")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
            assertThat(Duration.between(order.instant("createdAt"), order.instant("expiresAt")))
                    .isEqualTo(SystemUnderTest.PAYMENT_TIMEOUT);
        }
        assertThat(orders)
                .as("a database that drops fractions stores .000 every time")
                .anyMatch(order -> order.instant("createdAt").getNano() != 0);
    }

    @Test
    void autoDelayTransportSaysWhichItChose() {
        assertThat(api.orderServiceInfo()
                        .path("delayTransport")
                        .path("configured")
                        .asString())
                .isEqualTo("auto");
        boolean parks;
        try (var broker = SystemUnderTest.broker()) {
            parks = broker.parksMessages();
        }
        assertThat(api.orderServiceInfo().path("delayTransport").path("active").asString())
                .as("this project's brokers have no plugin: RabbitMQ 4.3+ parks messages, 3.10 has the cascade")
                .isEqualTo(parks ? "quorum-delay" : "dead-letter-ttl");
    }
}
