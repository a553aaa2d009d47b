package com.example.orders.outbox;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/** How far behind the relay is: the age of the oldest message the broker has not confirmed. */
@Component
class OutboxMetrics {

    OutboxMetrics(OutboxRepository outbox, MeterRegistry meters) {
        Gauge.builder("orders.outbox.oldest.unsent.age", outbox, OutboxRepository::oldestUnsentAgeSeconds)
                .baseUnit("seconds")
                .description(
                        "age of the oldest outbox message not yet confirmed by the broker; grows while it is unreachable")
                .register(meters);
    }
}
