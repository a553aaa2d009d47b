package com.example.orders.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.example.orders.testsupport.Api;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A message the broker cannot route is not taken for sent: it stays in the outbox, counted, and goes out
 * later. Each broker's own route: the window queue and the cascade before 4.3, the work queue on 4.3+.
 */
class RoutedOrRefusedIT {

    /** An order's own 4 s window is 40 units of 100 ms, 101000b: its message enters the cascade at level 5. */
    private static final int ENTRY_LEVEL = 5;

    private final Api api = SystemUnderTest.get().api();

    @Test
    void anOrderWhoseWorkQueueBindingWasDeletedIsNotMarkedSentAndIsCountedThenPublishedOnceItIsBack() throws Exception {
        String sku = api.newProduct("unroutable-parked", 3, 100);
        String id;
        try (var broker = SystemUnderTest.broker()) {
            assumeTrue(broker.parksMessages(), "RabbitMQ 4.3+: every message goes straight to the work queue");
            broker.unbindWorkQueue();
            try {
                id = placeRefused(sku, null);
            } finally {
                broker.bindWorkQueue();
            }
        }
        expiresOnceRouted(sku, id);
    }

    @Test
    void anOrderWhoseWindowQueueBindingWasDeletedIsNotMarkedSentAndIsCountedThenPublishedOnceItIsBack()
            throws Exception {
        String sku = api.newProduct("unroutable-window", 3, 100);
        String id;
        try (var broker = SystemUnderTest.broker()) {
            assumeFalse(broker.parksMessages(), "RabbitMQ 4.3+ parks messages: no window queue");
            broker.unbindWindow(SystemUnderTest.PAYMENT_TIMEOUT);
            // a message published over 100 ms after its order takes the cascade instead: 3 s less a
            // little is 11110b or 11101b units, level 4 first
            broker.unbindDelayLevel(4);
            try {
                id = placeRefused(sku, null);
            } finally {
                broker.bindWindow(SystemUnderTest.PAYMENT_TIMEOUT);
                broker.bindDelayLevel(4);
            }
        }
        expiresOnceRouted(sku, id);
    }

    @Test
    void anOrderWhoseDelayBindingWasDeletedIsNotMarkedSentAndIsCountedThenPublishedOnceItIsBack() throws Exception {
        String sku = api.newProduct("unroutable", 3, 100);
        String id;
        try (var broker = SystemUnderTest.broker()) {
            assumeFalse(broker.parksMessages(), "RabbitMQ 4.3+ parks messages: no cascade");
            broker.unbindDelayLevel(ENTRY_LEVEL);
            try {
                id = placeRefused(sku, "PT4S");
            } finally {
                broker.bindDelayLevel(ENTRY_LEVEL);
            }
        }
        expiresOnceRouted(sku, id);
    }

    /** Places an order (its own window, or the stack's) and waits until its message has come back unroutable. */
    private String placeRefused(String sku, String paymentTimeout) {
        double returnedBefore = api.orderServiceMetric("orders_outbox_returned_total");
        Map<String, Object> body = Api.orderBody("customer-" + UUID.randomUUID(), Map.of(sku, 2));
        if (paymentTimeout != null) {
            body.put("paymentTimeout", paymentTimeout);
        }
        String id = api.placeOrder(body, Map.of()).text("id");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> api.orderServiceMetric("orders_outbox_returned_total") > returnedBefore);
        assertThat(unsent(id)).as("not marked sent").isEqualTo(1);
        return id;
    }

    private void expiresOnceRouted(String sku, String id) {
        await().atMost(Duration.ofSeconds(10)).until(() -> unsent(id) == 0);
        await().atMost(Duration.ofSeconds(20)).until(() -> api.status(id).equals("EXPIRED"));
        assertThat(api.stock(sku)).isEqualTo(3);
        // OrderExpired goes to orders.events, which nobody need subscribe to: sent, not returned and retried
        await().atMost(Duration.ofSeconds(10))
                .until(() -> SystemUnderTest.DATABASE.count(
                                "SELECT COUNT(*) FROM outbox WHERE event_type = 'OrderExpired' AND sent_at IS NOT NULL"
                                        + " AND payload LIKE ?",
                                "%" + id + "%")
                        == 1);
    }

    private static long unsent(String id) {
        return SystemUnderTest.DATABASE.count(
                "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND payload LIKE ?", "%" + id + "%");
    }
}
