package com.example.orders;

import com.example.orders.contracts.DelayTransport;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Everything order-service lets an operator set, under {@code orders.*}; defaults in application.yml.
 *
 * @param paymentTimeout how long an order waits for payment before it expires
 * @param delayTransport how the expiry message is delayed until the deadline
 * @param outbox how the relay publishes the outbox
 */
@ConfigurationProperties("orders")
public record OrdersProperties(Duration paymentTimeout, DelayTransport delayTransport, Outbox outbox) {

    /**
     * @param pollInterval pause between relay runs when the outbox is empty
     * @param batchSize rows published per transaction, confirmed together
     * @param confirmTimeout how long to wait for the broker's confirms before retrying the batch
     */
    public record Outbox(Duration pollInterval, int batchSize, Duration confirmTimeout) {}
}
