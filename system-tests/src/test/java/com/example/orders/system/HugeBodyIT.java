package com.example.orders.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.orders.testsupport.Api;
import org.junit.jupiter.api.Test;

/**
 * One request with a huge JSON string used to exhaust order-service's heap (OutOfMemoryError, a
 * 500): Jackson 3 accepts strings of up to 100M characters and documents of any length by default.
 * Found by the chaos module's bad-input suite.
 */
class HugeBodyIT {

    private final Api api = SystemUnderTest.get().api();

    @Test
    void orderOfSixtyMegabytesIsRefusedWithAProblemAndTheServiceKeepsServing() {
        String body = "{\"customerId\":\"" + "x".repeat(60_000_000) + "\",\"items\":[]}";

        Api.Response response = api.sendRaw("POST", "/api/orders", body, "application/json");

        assertThat(response.status()).isIn(400, 413);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(api.getOrder("no-such-order").status()).as("still serving").isEqualTo(404);
    }
}
