package com.example.orders.messaging;

import com.example.orders.OrdersProperties;
import com.example.orders.contracts.DelayTransport;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.stereotype.Component;

/**
 * Decides how expiry messages are delayed: {@code dead-letter-ttl} as configured, or, for
 * {@code auto} and {@code delayed-exchange}, what {@link DelayedExchangeProbe} finds on the broker
 * ({@code delayed-exchange} without the plugin is an error). Until the broker has been reached once
 * the choice is open, and the outbox simply waits. {@link DelayTransportReport} tells the operator.
 */
@Component
public class DelayTransports {

    private static final Logger log = LoggerFactory.getLogger(DelayTransports.class);

    private final DelayTransport configured;
    private final DelayedExchangeProbe probe;
    private volatile DelayTransport active;

    DelayTransports(OrdersProperties properties, CachingConnectionFactory connections) {
        this.configured = properties.delayTransport();
        this.probe = new DelayedExchangeProbe(connections);
        if (configured == DelayTransport.DEAD_LETTER_TTL) {
            active = DelayTransport.DEAD_LETTER_TTL;
        }
    }

    /** The transport in use, probing the broker the first time; throws while the broker is unreachable. */
    public DelayTransport active() {
        DelayTransport transport = active;
        if (transport == null) {
            synchronized (this) {
                if (active == null) {
                    active = choose();
                    log.info("Delay transport: {} (configured: {})", active.label(), configured.label());
                }
                transport = active;
            }
        }
        return transport;
    }

    DelayTransport configured() {
        return configured;
    }

    /** The transport if it has been chosen already; never probes. */
    Optional<DelayTransport> chosen() {
        return Optional.ofNullable(active);
    }

    private DelayTransport choose() {
        if (probe.pluginPresent()) {
            return DelayTransport.DELAYED_EXCHANGE;
        }
        if (configured == DelayTransport.DELAYED_EXCHANGE) {
            throw new IllegalStateException(
                    "ORDERS_DELAY_TRANSPORT=delayed-exchange but the broker has no rabbitmq_delayed_message_exchange plugin");
        }
        return DelayTransport.DEAD_LETTER_TTL;
    }
}
