package com.example.orders.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.example.orders.contracts.Topology;
import com.example.orders.testsupport.Api;
import com.example.orders.testsupport.Broker;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Messages come twice, and come early: neither may give stock back twice or too soon. */
class DuplicateAndEarlyMessageIT {

    private final Api api = SystemUnderTest.get().api();

    @Test
    void sameExpiryMessageDeliveredTwiceRestoresStockOnce() throws Exception {
        String sku = api.newProduct("dup", 10, 100);
        Api.Response placed = api.order(Map.of(sku, 4));
        String id = placed.text("id");
        await().atMost(Duration.ofSeconds(20)).until(() -> api.status(id).equals("EXPIRED"));
        assertThat(api.stock(sku)).isEqualTo(10);

        try (var broker = SystemUnderTest.broker()) {
            String copy = Broker.orderCreated(id, placed.instant("expiresAt"));
            broker.publishExpiry(copy, Map.of());
            broker.publishExpiry(copy, Map.of());
            await().atMost(Duration.ofSeconds(10)).until(() -> broker.messageCount(Topology.EXPIRY_QUEUE) == 0);
        }
        double before = api.workerMetric("orders_expired_total");
        await().pollDelay(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(api.stock(sku)).isEqualTo(10));
        assertThat(api.workerMetric("orders_expired_total")).isEqualTo(before);
    }

    @Test
    void messageArrivingBeforeTheDeadlineWaitsInsteadOfExpiringTheOrder() throws Exception {
        String sku = api.newProduct("early", 10, 100);
        Api.Response placed = api.order(Map.of(sku, 2));
        String id = placed.text("id");
        Instant expiresAt = placed.instant("expiresAt");

        double waitedBefore = waited();
        try (var broker = SystemUnderTest.broker()) {
            broker.publishExpiry(Broker.orderCreated(id, expiresAt), Map.of());
        }
        await().atMost(Duration.ofSeconds(2)).until(() -> waited() > waitedBefore);
        assertThat(api.status(id)).as("still payable before its deadline").isEqualTo("PENDING");
        assertThat(api.pay(id, "in-time").status()).isEqualTo(200);
        await().pollDelay(SystemUnderTest.PAYMENT_TIMEOUT.plusSeconds(1))
                .atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(api.status(id)).isEqualTo("PAID"));
        assertThat(api.stock(sku)).isEqualTo(8);
    }

    /**
     * Messages the worker sent back to wait: through the cascade after the database found them early, or
     * (RabbitMQ 4.3+) parked in the work queue on arrival, from the deadline they carry.
     */
    private double waited() {
        return api.workerMetric("orders_expiry_republished_total{reason=\"early\"}")
                + api.workerMetric("orders_expiry_parked_total{reason=\"not-due\"}");
    }
}
