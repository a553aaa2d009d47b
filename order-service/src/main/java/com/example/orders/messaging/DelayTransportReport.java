package com.example.orders.messaging;

import com.example.orders.contracts.DelayTransport;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Says which delay transport is in use: chooses it once the application is ready (in the log), and
 * shows it in {@code /actuator/info} as {@code delayTransport.configured} and {@code .active}
 * ({@code undecided} until the broker has been reached; afterwards the current choice, which follows
 * the broker: see {@link DelayTransports}).
 */
@Component
class DelayTransportReport implements InfoContributor {

    private static final Logger log = LoggerFactory.getLogger(DelayTransportReport.class);

    private final DelayTransports transports;

    DelayTransportReport(DelayTransports transports) {
        this.transports = transports;
    }

    @EventListener(ApplicationReadyEvent.class)
    void resolveAtStartup() {
        try {
            DelayTransport transport = transports.active();
            if (transports.configured() == DelayTransport.DEAD_LETTER_TTL) {
                log.info("Delay transport: {} (configured)", transport.label());
            }
        } catch (RuntimeException e) {
            log.warn(
                    "Delay transport not chosen yet, the broker is unreachable ({}); orders wait in the outbox",
                    e.toString());
        }
    }

    @Override
    public void contribute(Info.Builder builder) {
        builder.withDetail(
                "delayTransport",
                Map.of(
                        "configured",
                        transports.configured().label(),
                        "active",
                        transports.chosen().map(DelayTransport::label).orElse("undecided")));
    }
}
