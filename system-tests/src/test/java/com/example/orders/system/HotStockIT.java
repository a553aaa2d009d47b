package com.example.orders.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.example.orders.testsupport.Api;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A flash sale on one product: hundreds of its orders expire together and fight over one stock row. */
class HotStockIT {

    private static final int ORDERS = 300;

    private final Api api = SystemUnderTest.get().api();

    private static boolean parksMessages() throws Exception {
        try (var broker = SystemUnderTest.broker()) {
            return broker.parksMessages();
        }
    }

    @Test
    void hundredsOfOrdersOnOneSkuExpiringTogetherGiveBackTheExactTotal() throws Exception {
        String sku = api.newProduct("hot", 1000, 100);
        double conflictsBefore = api.workerMetric("orders_expiry_stock_conflicts_total");
        double deadBefore = api.workerMetric("orders_expiry_dead_lettered_total");

        List<Callable<String>> placeOrders = IntStream.range(0, ORDERS)
                .mapToObj(i -> (Callable<String>)
                        () -> api.order(Map.of(sku, 1 + i % 3)).text("id"))
                .toList();
        List<String> ids;
        var pool = Executors.newFixedThreadPool(8);
        try {
            ids = pool.invokeAll(placeOrders).stream()
                    .map(f -> {
                        try {
                            return f.get();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    })
                    .toList();
        } finally {
            pool.shutdown();
        }
        assertThat(ids).hasSize(ORDERS).doesNotContainNull().doesNotHaveDuplicates();

        await().atMost(Duration.ofSeconds(90))
                .until(() -> ids.stream().allMatch(id -> api.status(id).equals("EXPIRED")));
        assertThat(api.stock(sku)).isEqualTo(1000);
        assertThat(api.workerMetric("orders_expiry_dead_lettered_total")).isEqualTo(deadBefore);
        if (!parksMessages()) {
            // Four 0-9-1 consumers take the messages as they come: the expiries fight over the row. Where
            // messages are parked, one worker thread gathers a batch at a time and those due together come
            // back together, so there are seldom two batches on the row at once and a conflict is not
            // certain (the exact total above is the guarantee; OptimisticLockIT forces the conflict).
            assertThat(api.workerMetric("orders_expiry_stock_conflicts_total") - conflictsBefore)
                    .as("optimistic-lock conflicts on the one stock row: the expiries did fight over it")
                    .isPositive();
        }
        System.out.printf(
                "hot stock: %d orders, %.0f optimistic-lock conflicts, %.0f republishes so far%n",
                ORDERS,
                api.workerMetric("orders_expiry_stock_conflicts_total") - conflictsBefore,
                api.workerMetric("orders_expiry_republished_total"));
    }
}
