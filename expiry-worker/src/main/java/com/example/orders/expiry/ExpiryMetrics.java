package com.example.orders.expiry;

import com.example.orders.contracts.DeadLetterReason;
import com.example.orders.contracts.RepublishReason;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * Registers every tagged series the worker can emit at zero, at start: a series that only appears at
 * its first increment hides that first event from rate() and increase() on a dashboard.
 */
@Component
class ExpiryMetrics {

    ExpiryMetrics(MeterRegistry meters) {
        for (String trigger : new String[] {"message", "sweep"}) {
            meters.counter("orders.expired", "trigger", trigger);
        }
        for (RepublishReason reason : RepublishReason.values()) {
            meters.counter("orders.expiry.republished", "reason", reason.code());
        }
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            meters.counter("orders.expiry.dead.lettered", "reason", reason.code());
        }
    }
}
