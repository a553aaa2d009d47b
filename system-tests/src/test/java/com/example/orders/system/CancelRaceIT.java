package com.example.orders.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.example.orders.testsupport.Api;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Cancel, payment and expiry all at the deadline: each order ends in exactly one terminal state,
 * every answer the customer and the provider got is true of that state, and the stock agrees.
 */
class CancelRaceIT {

    private static final int ORDERS = 60;

    private final Api api = SystemUnderTest.get().api();

    @Test
    void cancelPaymentAndExpiryAtTheDeadlineLeaveEachOrderInOneStateWithTheStockExact() throws Exception {
        List<String> skus = List.of(api.newProduct("crace-a", 1000, 100), api.newProduct("crace-b", 1000, 100));
        record Placed(String id, String sku, Instant expiresAt, boolean alsoPaid) {}
        List<Placed> placed = new ArrayList<>();
        for (int i = 0; i < ORDERS; i++) {
            String sku = skus.get(i % skus.size());
            Api.Response order = api.order(Map.of(sku, 2));
            placed.add(new Placed(order.text("id"), sku, order.instant("expiresAt"), i % 3 != 0));
        }

        Map<String, Integer> cancelStatus = new ConcurrentHashMap<>();
        Map<String, Integer> paymentStatus = new ConcurrentHashMap<>();
        var pool = Executors.newScheduledThreadPool(16);
        try {
            for (Placed order : placed) {
                long untilDeadline =
                        Duration.between(Instant.now(), order.expiresAt()).toMillis();
                // Aim each call at the deadline, independently of the other: from 150 ms before it to
                // 60 ms after (a call takes tens of milliseconds to arrive on a loaded machine).
                pool.schedule(
                        () -> cancelStatus.put(
                                order.id(), api.cancel(order.id()).status()),
                        Math.max(0, untilDeadline + ThreadLocalRandom.current().nextLong(-150, 61)),
                        TimeUnit.MILLISECONDS);
                if (order.alsoPaid()) {
                    pool.schedule(
                            () -> paymentStatus.put(
                                    order.id(),
                                    api.pay(order.id(), "pay-" + order.id()).status()),
                            Math.max(
                                    0,
                                    untilDeadline + ThreadLocalRandom.current().nextLong(-150, 61)),
                            TimeUnit.MILLISECONDS);
                }
            }
        } finally {
            pool.shutdown();
        }
        assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

        await().atMost(Duration.ofSeconds(30))
                .until(() -> placed.stream().noneMatch(o -> api.status(o.id()).equals("PENDING")));
        Map<String, Integer> ended = new ConcurrentHashMap<>();
        for (Placed order : placed) {
            Api.Response final_ = api.getOrder(order.id());
            String status = final_.text("status");
            ended.merge(status, 1, Integer::sum);
            int cancel = cancelStatus.get(order.id());
            Integer payment = paymentStatus.get(order.id());
            switch (status) {
                case "CANCELLED" -> {
                    assertThat(cancel).as("cancel of %s", order.id()).isEqualTo(200);
                    assertThat(payment).as("payment of %s", order.id()).isIn(null, 409);
                    assertThat(final_.body().path("paidAt").isNull()).isTrue();
                }
                case "PAID" -> {
                    assertThat(payment).as("payment of %s", order.id()).isEqualTo(200);
                    assertThat(cancel).as("cancel of %s", order.id()).isEqualTo(409);
                    assertThat(final_.body().path("closedAt").isNull()).isTrue();
                }
                case "EXPIRED" -> {
                    assertThat(cancel).as("cancel of %s", order.id()).isEqualTo(409);
                    assertThat(payment).as("payment of %s", order.id()).isIn(null, 409);
                }
                default -> throw new AssertionError(order.id() + " ended " + status);
            }
            assertThat(SystemUnderTest.DATABASE.count(
                            "SELECT COUNT(*) FROM outbox WHERE event_type IN ('OrderCancelled', 'OrderExpired')"
                                    + " AND payload LIKE ?",
                            "%" + order.id() + "%"))
                    .as("one closing event for %s", order.id())
                    .isEqualTo(status.equals("PAID") ? 0 : 1);
        }
        int paid = ended.getOrDefault("PAID", 0);
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(api.stock(skus.get(0)) + api.stock(skus.get(1)))
                        .as("2000 units less exactly two per paid order")
                        .isEqualTo(2000 - 2 * paid));
        System.out.printf("cancel race: %d orders, ended %s%n", ORDERS, ended);
    }
}
