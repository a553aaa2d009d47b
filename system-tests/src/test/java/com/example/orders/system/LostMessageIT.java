package com.example.orders.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.example.orders.contracts.Topology;
import com.example.orders.testsupport.Api;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A delayed message that never arrives must not leave an order pending and its stock locked away. */
class LostMessageIT {

    private final Api api = SystemUnderTest.get().api();

    @Test
    void orderWhoseExpiryMessageIsDeletedFromTheBrokerIsStillExpiredByTheSweep() throws Exception {
        String sku = api.newProduct("lost", 6, 100);
        double rescuedBefore = api.workerMetric("orders_expiry_sweep_rescued_total");
        double parkedBefore = api.workerMetric("orders_expiry_parked_total{reason=\"not-due\"}");
        String id = api.order(Map.of(sku, 5)).text("id");
        await().atMost(Duration.ofSeconds(5))
                .until(() -> SystemUnderTest.DATABASE.count(
                                "SELECT COUNT(*) FROM outbox WHERE sent_at IS NOT NULL AND payload LIKE ?",
                                "%" + id + "%")
                        == 1);

        try (var broker = SystemUnderTest.broker()) {
            if (broker.parksMessages()) {
                // RabbitMQ 4.3+: the message waits parked in the work queue (a purge removes parked ones too)
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> api.workerMetric("orders_expiry_parked_total{reason=\"not-due\"}") > parkedBefore);
                broker.purge(Topology.EXPIRY_QUEUE);
            } else {
                broker.purgeDelayed();
            }
        }

        // The deadline, the sweep's grace, then two of its runs (it takes an order seen overdue twice).
        await().atMost(SystemUnderTest.PAYMENT_TIMEOUT
                        .plus(SystemUnderTest.SWEEP_GRACE)
                        .plusSeconds(25))
                .until(() -> api.status(id).equals("EXPIRED"));
        assertThat(api.stock(sku)).isEqualTo(6);
        assertThat(api.workerMetric("orders_expiry_sweep_rescued_total")).isGreaterThan(rescuedBefore);
    }
}
