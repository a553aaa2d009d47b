package com.example.orders.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.example.orders.testsupport.Api;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * No expiry waits behind one due later: orders with a short payment window expire by their own
 * message on time while orders with a longer window are still waiting in the broker.
 */
class ExactDelayIT {

    private static final Duration ON_TIME = Duration.ofSeconds(1);

    private final Api api = SystemUnderTest.get().api();

    /**
     * What an operator sees after shortening ORDERS_PAYMENT_TIMEOUT from 40 s to the stack's 3 s while
     * orders placed before still wait: at the broker the old orders are messages delayed 40 s, placed
     * first; the new ones are delayed 3 s. (The old orders' 40 s are asked for per order here, which
     * puts the same messages into the broker without restarting the shared stack.)
     */
    @Test
    void afterTheTimeoutIsShortenedNewOrdersExpireByTheirOwnMessageOnTimeWhileOldOnesStillWait() {
        String sku = api.newProduct("shortened", 20, 100);
        List<String> old = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            old.add(place(sku, "PT40S").text("id"));
        }
        awaitPublished(old);
        double rescuedBefore = api.workerMetric("orders_expiry_sweep_rescued_total");

        List<String> fresh = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            fresh.add(place(sku, null).text("id"));
        }

        await().atMost(Duration.ofSeconds(20))
                .until(() -> fresh.stream().allMatch(id -> api.status(id).equals("EXPIRED")));
        for (String id : fresh) {
            assertThat(lateness(id))
                    .as("order %s expired after its deadline by", id)
                    .isLessThanOrEqualTo(ON_TIME);
        }
        assertThat(api.workerMetric("orders_expiry_sweep_rescued_total"))
                .as("every new order expired by its own message, none by the sweep")
                .isEqualTo(rescuedBefore);
        assertThat(old).allSatisfy(id -> assertThat(api.status(id)).isEqualTo("PENDING"));
        assertThat(api.stock(sku)).isEqualTo(15);
        old.forEach(id -> assertThat(api.pay(id, "pay-" + id).status()).isEqualTo(200));
    }

    @Test
    void aTwoSecondWindowExpiresOnTimeNextToASixtySecondOne() {
        String sku = api.newProduct("windows", 10, 100);
        String sixty = place(sku, "PT60S").text("id");
        awaitPublished(List.of(sixty));
        Api.Response two = place(sku, "PT2S");
        assertThat(Duration.between(two.instant("createdAt"), two.instant("expiresAt")))
                .isEqualTo(Duration.ofSeconds(2));

        await().atMost(Duration.ofSeconds(15))
                .until(() -> api.status(two.text("id")).equals("EXPIRED"));

        assertThat(lateness(two.text("id"))).isLessThanOrEqualTo(ON_TIME);
        assertThat(api.status(sixty)).isEqualTo("PENDING");
        assertThat(api.pay(sixty, "pay-" + sixty).status()).isEqualTo(200);
    }

    @Test
    void aPaymentWindowOutsideTheConfiguredBoundsIsRefusedNamingTheField() {
        String sku = api.newProduct("bounds", 5, 100);
        for (String window : new String[] {"PT0.5S", "PT24H0.001S", "-PT10S", "soon"}) {
            Api.Response refused = place(sku, window);
            assertThat(refused.status()).as(window).isEqualTo(400);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.raw()).as(window).contains("paymentTimeout");
        }
        assertThat(api.stock(sku)).as("nothing reserved").isEqualTo(5);
    }

    private Api.Response place(String sku, String paymentTimeout) {
        Map<String, Object> body = Api.orderBody("customer-" + UUID.randomUUID(), Map.of(sku, 1));
        if (paymentTimeout != null) {
            body.put("paymentTimeout", paymentTimeout);
        }
        return api.placeOrder(body, Map.of());
    }

    private Duration lateness(String id) {
        Api.Response order = api.getOrder(id);
        return Duration.between(order.instant("expiresAt"), order.instant("closedAt"));
    }

    private static void awaitPublished(List<String> ids) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> ids.stream()
                        .allMatch(id -> SystemUnderTest.DATABASE.count(
                                        "SELECT COUNT(*) FROM outbox WHERE sent_at IS NOT NULL AND payload LIKE ?",
                                        "%" + id + "%")
                                == 1));
    }
}
