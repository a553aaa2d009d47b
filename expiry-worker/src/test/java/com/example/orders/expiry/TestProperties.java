package com.example.orders.expiry;

import com.example.orders.ExpiryProperties;
import java.time.Duration;

/** The worker's settings as application.yml sets them, for unit tests. */
public final class TestProperties {

    private TestProperties() {}

    public static ExpiryProperties defaults() {
        return new ExpiryProperties(
                4,
                200,
                3,
                Duration.ofSeconds(1),
                Duration.ofSeconds(30),
                10,
                Duration.ofSeconds(5),
                Duration.ofSeconds(10),
                500,
                Duration.ofMinutes(5),
                Duration.ofSeconds(5),
                100,
                Duration.ofMillis(10),
                100,
                Duration.ofMillis(50));
    }
}
