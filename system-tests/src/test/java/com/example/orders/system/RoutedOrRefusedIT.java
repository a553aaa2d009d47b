package com.example.orders.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.example.orders.testsupport.Api;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A message the broker cannot route is not taken for sent: it stays in the outbox, counted, and goes out later. */
class RoutedOrRefusedIT {

    /** The stack's 3 s timeout is 30 units of 100 ms, 11110b: the message enters the cascade at level 4. */
    private static final int ENTRY_LEVEL = 4;

    private final Api api = SystemUnderTest.get().api();

    @Test
    void anOrderWhoseDelayBindingWasDeletedIsNotMarkedSentAndIsCountedThenPublishedOnceItIsBack() throws Exception {
        String sku = api.newProduct("unroutable", 3, 100);
        double returnedBefore = api.orderServiceMetric("orders_outbox_returned_total");
        String id;
        try (var broker = SystemUnderTest.broker()) {
            broker.unbindDelayLevel(ENTRY_LEVEL);
            try {
                id = api.order(Map.of(sku, 2)).text("id");
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> api.orderServiceMetric("orders_outbox_returned_total") > returnedBefore);
                assertThat(unsent(id)).as("not marked sent").isEqualTo(1);
            } finally {
                broker.bindDelayLevel(ENTRY_LEVEL);
            }
        }
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
