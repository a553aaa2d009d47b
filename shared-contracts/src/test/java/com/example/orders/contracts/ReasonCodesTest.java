package com.example.orders.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The reason codes are read by operators and dashboards: their strings on the wire never change. */
class ReasonCodesTest {

    @Test
    void republishReasonsKeepTheirWireCodes() {
        assertThat(Arrays.stream(RepublishReason.values()).map(RepublishReason::code))
                .containsExactly("lock-conflict", "transient-failure", "early", "database-unavailable");
    }

    @Test
    void deadLetterReasonsKeepTheirWireCodes() {
        assertThat(Arrays.stream(DeadLetterReason.values()).map(DeadLetterReason::code))
                .containsExactly("malformed", "unsupported-schema-version", "unknown-order", "retries-exhausted");
    }
}
