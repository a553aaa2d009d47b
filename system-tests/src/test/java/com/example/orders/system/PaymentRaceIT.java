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
 * The dangerous instant: the customer pays just as the order expires. Whoever wins, the order ends
 * in exactly one state and the stock agrees with it.
 */
class PaymentRaceIT {

    private static final int ORDERS = 80;

    private final Api api = SystemUnderTest.get().api();

    @Test
    void ordersPaidAtTheirDeadlineEndEitherPaidWithStockTakenOrExpiredWithStockBackNeverBoth() throws Exception {
        List<String> skus = List.of(api.newProduct("race-a", 1000, 100), api.newProduct("race-b", 1000, 100));
        record Placed(String id, String sku, Instant expiresAt) {}
        List<Placed> placed = new ArrayList<>();
        for (int i = 0; i < ORDERS; i++) {
            String sku = skus.get(i % skus.size());
            Api.Response order = api.order(Map.of(sku, 1));
            placed.add(new Placed(order.text("id"), sku, order.instant("expiresAt")));
        }

        Map<String, Integer> paymentStatus = new ConcurrentHashMap<>();
        var pool = Executors.newScheduledThreadPool(16);
        try {
            for (Placed order : placed) {
                // Aim at the deadline, give or take 40 ms: some land before it, some after.
                long offset = ThreadLocalRandom.current().nextLong(-40, 41);
                long delay = Duration.between(Instant.now(), order.expiresAt()).toMillis() + offset;
                pool.schedule(
                        () -> paymentStatus.put(
                                order.id(),
                                api.pay(order.id(), "pay-" + order.id()).status()),
                        Math.max(0, delay),
                        TimeUnit.MILLISECONDS);
            }
        } finally {
            pool.shutdown();
        }
        assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

        await().atMost(Duration.ofSeconds(30))
                .until(() -> placed.stream().noneMatch(o -> api.status(o.id()).equals("PENDING")));
        int paid = 0;
        for (Placed order : placed) {
            Api.Response final_ = api.getOrder(order.id());
            int payment = paymentStatus.get(order.id());
            assertThat(payment).as("payment of %s", order.id()).isIn(200, 409);
            if (payment == 200) {
                paid++;
                assertThat(final_.text("status")).isEqualTo("PAID");
                assertThat(final_.body().path("closedAt").isNull()).isTrue();
            } else {
                assertThat(final_.text("status")).isEqualTo("EXPIRED");
                assertThat(final_.body().path("paidAt").isNull()).isTrue();
            }
        }
        int paidNow = paid;
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(api.stock(skus.get(0)) + api.stock(skus.get(1)))
                        .as("2000 units less exactly one per paid order")
                        .isEqualTo(2000 - paidNow));
        System.out.printf("payment race: %d orders, %d paid, %d expired%n", ORDERS, paid, ORDERS - paid);
    }
}
