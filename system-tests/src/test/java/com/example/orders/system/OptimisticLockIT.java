package com.example.orders.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.example.orders.testsupport.Api;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The original system's retry re-used the stock value it had already read, so a conflict could never
 * succeed on retry. Here a conflicting writer commits while the worker is mid-transaction; the
 * worker's next attempt must read the current row and succeed, without rolling back or republishing.
 */
class OptimisticLockIT {

    private final Api api = SystemUnderTest.get().api();

    @Test
    void stockRestoreThatLosesTheOptimisticLockOnceSucceedsOnTheNextAttemptInTheSameTransaction() throws Exception {
        String sku = api.newProduct("cas", 10, 100);
        String id = api.order(Map.of(sku, 2)).text("id");
        double conflictsBefore = api.workerMetric("orders_expiry_stock_conflicts_total");
        double republishedBefore = api.workerMetric("orders_expiry_republished_total{reason=\"lock-conflict\"}");

        try (Connection other = connection()) {
            other.setAutoCommit(false);
            // Another writer changes the product row (its version) and keeps it locked.
            try (var bump = other.prepareStatement("UPDATE product SET version = version + 1 WHERE sku = ?")) {
                bump.setString(1, sku);
                assertThat(bump.executeUpdate()).isEqualTo(1);
            }
            // The worker reaches the order: it has marked it EXPIRED (holding the order row) and now
            // waits on the product row, with the version it read before ours is committed.
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> SystemUnderTest.DATABASE.orderRowLockedByAnotherTransaction(id));
            other.commit();
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> api.status(id).equals("EXPIRED"));
        assertThat(api.stock(sku)).isEqualTo(10);
        assertThat(api.workerMetric("orders_expiry_stock_conflicts_total")).isGreaterThan(conflictsBefore);
        assertThat(api.workerMetric("orders_expiry_republished_total{reason=\"lock-conflict\"}"))
                .as("the second attempt read the committed version and won; nothing was rolled back")
                .isEqualTo(republishedBefore);
    }

    private static Connection connection() throws SQLException {
        return SystemUnderTest.DATABASE.connection();
    }
}
