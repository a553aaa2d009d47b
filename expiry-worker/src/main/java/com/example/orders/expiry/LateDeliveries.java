package com.example.orders.expiry;

import com.example.orders.ExpiryProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * Orders the listener expired later than the sweep's grace: their messages were late, not lost. While
 * such messages keep arriving (the delay cascade or the work queue still delivering a burst, a broker
 * catching up after an outage), an overdue order's message is most likely still on its way, and
 * {@link ExpirySweep} leaves it to that message. {@code orders_expiry_late_deliveries_total} shows an
 * operator how often the delivery path fell that far behind.
 */
@Component
class LateDeliveries {

    private final long graceMillis;
    private final Counter late;

    LateDeliveries(ExpiryProperties properties, MeterRegistry meters) {
        this.graceMillis = properties.sweepGrace().toMillis();
        this.late = Counter.builder("orders.expiry.late.deliveries")
                .description("orders the listener expired more than the sweep's grace after their deadline")
                .register(meters);
    }

    /** Called for every order the listener (not the sweep) expired. */
    void expired(long latenessMillis) {
        if (latenessMillis >= graceMillis) {
            late.increment();
        }
    }

    /** How many so far; the sweep compares two readings. */
    long count() {
        return (long) late.count();
    }
}
