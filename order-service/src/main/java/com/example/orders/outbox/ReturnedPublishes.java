package com.example.orders.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.ReturnedMessage;
import org.springframework.stereotype.Component;

/**
 * Messages the broker returned as unroutable: each is counted ({@code orders_outbox_returned_total});
 * each cause (exchange and reply) is logged once, not once per message, until everything routes again.
 */
@Component
class ReturnedPublishes {

    private static final Logger log = LoggerFactory.getLogger(ReturnedPublishes.class);

    private final MeterRegistry meters;
    private final Set<String> logged = ConcurrentHashMap.newKeySet();

    ReturnedPublishes(MeterRegistry meters) {
        this.meters = meters;
        Counter.builder("orders.outbox.returned")
                .tag("reason", "NO_ROUTE")
                .description("outbox messages the broker returned as unroutable; left unsent and published again")
                .register(meters);
    }

    void record(ReturnedMessage returned) {
        meters.counter("orders.outbox.returned", "reason", returned.getReplyText())
                .increment();
        String cause = "%s %d %s".formatted(returned.getExchange(), returned.getReplyCode(), returned.getReplyText());
        if (logged.add(cause)) {
            log.warn(
                    "Broker returned an outbox message as unroutable ({} from exchange {}, key {}): left unsent and"
                            + " published again; further returns of this cause are only counted (orders_outbox_returned_total)",
                    returned.getReplyText(),
                    returned.getExchange(),
                    returned.getRoutingKey());
        }
    }

    void allRouted() {
        if (!logged.isEmpty()) {
            log.info("Outbox messages are routed again (after returns: {})", logged);
            logged.clear();
        }
    }
}
