package com.example.orders.expiry;

import com.example.orders.DelayTransportProperties;
import com.example.orders.contracts.DelayTransport;
import com.example.orders.delay.BrokerVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.listener.RabbitListenerEndpointRegistry;
import org.springframework.stereotype.Component;

/**
 * Starts consuming the work queue the way the delay transport needs: where the broker parks messages
 * (RabbitMQ 4.3+, with {@code ORDERS_DELAY_TRANSPORT} {@code auto} or {@code quorum-delay}) the
 * {@link ParkingExpiryListener} over AMQP 1.0, else the 0-9-1 {@link ExpiryListener}, which sends waiting
 * messages round the delay cascade. Decided once, at start, from the broker's version; a broker upgraded
 * under a running worker is served the 0-9-1 way until the worker restarts (the cascade works on every
 * RabbitMQ, so nothing is late; it only costs more).
 */
@Component
public class WorkQueueConsumers {

    private static final Logger log = LoggerFactory.getLogger(WorkQueueConsumers.class);

    private final DelayTransport configured;
    private final ConnectionFactory connections;
    private final RabbitListenerEndpointRegistry listeners;
    private final ParkingExpiryListener parking;
    private volatile String started = "not yet";

    WorkQueueConsumers(
            DelayTransportProperties properties,
            ConnectionFactory connections,
            RabbitListenerEndpointRegistry listeners,
            ParkingExpiryListener parking) {
        this.configured = properties.delayTransport();
        this.connections = connections;
        this.listeners = listeners;
        this.parking = parking;
    }

    /**
     * Starts the consumer; throws {@link AmqpException} while the broker cannot be asked its version
     * (the caller tries again), and when {@code quorum-delay} is configured on a broker without it.
     */
    public void start() {
        if (parks()) {
            parking.start();
            started = DelayTransport.QUORUM_DELAY.label();
        } else {
            listeners.getListenerContainers().forEach(container -> container.start());
            started = "0-9-1, waiting messages through the delay cascade";
        }
    }

    /** How the work queue is consumed, for the log and health: {@code quorum-delay} or the 0-9-1 way. */
    public String started() {
        return started;
    }

    private boolean parks() {
        if (configured != DelayTransport.AUTO && configured != DelayTransport.QUORUM_DELAY) {
            return false;
        }
        Object version;
        try (var connection = connections.createConnection()) {
            version = connection.getDelegate().getServerProperties().get("version");
        }
        boolean parks = BrokerVersion.isRabbitMq43OrLater(version);
        if (configured == DelayTransport.QUORUM_DELAY && !parks) {
            throw new IllegalStateException("ORDERS_DELAY_TRANSPORT=quorum-delay but RabbitMQ " + version
                    + " does not park messages (RabbitMQ 4.3+ does)");
        }
        log.info(
                "RabbitMQ {}: {} (configured: {})",
                version,
                parks ? "waiting messages are parked in the work queue" : "waiting messages go round the cascade",
                configured.label());
        return parks;
    }
}
