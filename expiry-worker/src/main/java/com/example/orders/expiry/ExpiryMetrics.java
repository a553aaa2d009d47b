package com.example.orders.expiry;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * Registers every tagged series the worker can emit at zero, at start: a series that only appears at
 * its first increment hides that first event from rate() and increase() on a dashboard.
 */
@Component
class ExpiryMetrics {

    static final String[] REPUBLISH_REASONS = {"lock-conflict", "transient-failure", "early"};
    static final String[] DEAD_LETTER_REASONS = {
        "malformed", "unknown-order", "unsupported-schema-version", "retries-exhausted"
    };

    ExpiryMetrics(MeterRegistry meters) {
        for (String trigger : new String[] {"message", "sweep"}) {
            meters.counter("orders.expired", "trigger", trigger);
        }
        for (String reason : REPUBLISH_REASONS) {
            meters.counter("orders.expiry.republished", "reason", reason);
        }
        for (String reason : DEAD_LETTER_REASONS) {
            meters.counter("orders.expiry.dead.lettered", "reason", reason);
        }
    }
}
