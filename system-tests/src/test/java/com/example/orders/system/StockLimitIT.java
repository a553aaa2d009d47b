package com.example.orders.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.example.orders.testsupport.Api;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Stock is an int. A PUT that sets it so high that giving back what unpaid orders hold would pass
 * the limit used to be accepted; the expiry then failed on every attempt (out of range), the order
 * stayed PENDING for ever, and the sweep, stuck on it, rescued no other order.
 */
class StockLimitIT {

    private final Api api = SystemUnderTest.get().api();

    @Test
    void stockThatCouldNotTakeBackWhatUnpaidOrdersHoldIsRefusedAndTheirExpiryGivesItBack() {
        String sku = api.newProduct("limit", Integer.MAX_VALUE, 1);
        String id = api.order(Map.of(sku, 5)).text("id");

        Api.Response put = api.putProduct(sku, Map.of("name", "Limit", "priceCents", 1, "stock", Integer.MAX_VALUE));

        assertThat(put.status()).isEqualTo(400);
        assertThat(put.contentType()).startsWith("application/problem+json");
        assertThat(put.body().path("errors").findValuesAsString("field")).contains("stock");
        await().atMost(Duration.ofSeconds(20)).until(() -> api.status(id).equals("EXPIRED"));
        assertThat(api.stock(sku)).isEqualTo(Integer.MAX_VALUE);
    }
}
