package com.example.orders.messaging;

import com.example.orders.OrdersProperties;
import com.example.orders.contracts.DelayTransport;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionListener;
import org.springframework.stereotype.Component;

/**
 * Decides how expiry messages are delayed: {@code dead-letter-ttl} as configured, or, for the others,
 * what {@link DelayedExchangeProbe} finds on the broker: {@code auto} takes {@code quorum-delay} on
 * RabbitMQ 4.3 and later, else the plugin where there is one, else {@code dead-letter-ttl};
 * {@code quorum-delay} on an older broker, or {@code delayed-exchange} without the plugin, is an error. Until the broker has been reached once
 * the choice is open, and the outbox simply waits.
 *
 * <p>The broker can change under a running service (upgraded to 4.3, the plugin disabled), so the
 * choice is made again whenever the shared connection is (re)established, in the background, and
 * when a publish into the plugin's exchange is refused ({@link #refused}); a change is logged, and
 * {@link DelayTransportReport} shows the current choice.
 */
@Component
public class DelayTransports {

    private static final Logger log = LoggerFactory.getLogger(DelayTransports.class);

    /** A refused publish asks the broker again at most this often (a broker refusing everything). */
    private static final long REFUSAL_REASK_NANOS = 1_000_000_000L;

    private final DelayTransport configured;
    private final DelayedExchangeProbe probe;
    /** Connections the shared factory has opened; a choice made on an older one is asked again. */
    private final AtomicLong connectionsOpened = new AtomicLong();

    private volatile DelayTransport active;
    private volatile long decidedOnConnection = -1;
    private volatile long decidedAtNanos;

    DelayTransports(OrdersProperties properties, CachingConnectionFactory connections) {
        this.configured = properties.delayTransport();
        this.probe = new DelayedExchangeProbe(connections);
        if (configured == DelayTransport.DEAD_LETTER_TTL) {
            active = DelayTransport.DEAD_LETTER_TTL;
            decidedOnConnection = 0; // and never asked again: no connection is counted
        } else {
            connections.addConnectionListener(new Reconnected());
        }
    }

    /**
     * The transport in use, asking the broker the first time and after a new connection or a refusal;
     * throws while the broker is unreachable.
     */
    public DelayTransport active() {
        DelayTransport transport = active;
        if (transport == null || decidedOnConnection != connectionsOpened.get()) {
            synchronized (this) {
                if (active == null || decidedOnConnection != connectionsOpened.get()) {
                    decide();
                }
                transport = active;
            }
        }
        return transport;
    }

    /** The transport last decided on, without asking the broker; null before the first decision. */
    public DelayTransport lastDecided() {
        return active;
    }

    /**
     * A publish with {@code used} failed. If that was the plugin's exchange, the broker is asked
     * again at the next {@link #active()}: the plugin may be gone (its exchange or type refused).
     */
    public void refused(DelayTransport used) {
        if (used == DelayTransport.DELAYED_EXCHANGE
                && configured != DelayTransport.DEAD_LETTER_TTL
                && System.nanoTime() - decidedAtNanos > REFUSAL_REASK_NANOS) {
            decidedOnConnection = -1;
        }
    }

    DelayTransport configured() {
        return configured;
    }

    /** The transport if it has been chosen already; never probes. */
    Optional<DelayTransport> chosen() {
        return Optional.ofNullable(active);
    }

    /** For tests: as if the broker had offered {@code transport} when the service decided. */
    synchronized void decided(DelayTransport transport) {
        active = transport;
        decidedOnConnection = connectionsOpened.get();
        decidedAtNanos = System.nanoTime() - REFUSAL_REASK_NANOS - 1;
    }

    private void decide() {
        DelayedExchangeProbe.Answer answer = probe.ask();
        // ask() went through the shared connection, opening it if needed: the answer is about the
        // connections opened so far.
        long asked = connectionsOpened.get();
        DelayTransport chosen = choose(answer);
        DelayTransport previous = active;
        active = chosen;
        decidedOnConnection = asked;
        decidedAtNanos = System.nanoTime();
        if (previous == null) {
            log.info("Delay transport: {} (configured: {}; {})", chosen.label(), configured.label(), answer.why());
        } else if (previous != chosen) {
            log.warn(
                    "Delay transport changed: {} -> {} (configured: {}; {})",
                    previous.label(),
                    chosen.label(),
                    configured.label(),
                    answer.why());
        }
    }

    private DelayTransport choose(DelayedExchangeProbe.Answer answer) {
        if (configured == DelayTransport.QUORUM_DELAY && !answer.parks()) {
            throw new IllegalStateException(
                    "ORDERS_DELAY_TRANSPORT=quorum-delay but the broker does not park messages (RabbitMQ 4.3+ does): "
                            + answer.why());
        }
        if (answer.parks() && configured != DelayTransport.DELAYED_EXCHANGE) {
            return DelayTransport.QUORUM_DELAY;
        }
        if (answer.plugin()) {
            return DelayTransport.DELAYED_EXCHANGE;
        }
        if (configured == DelayTransport.DELAYED_EXCHANGE) {
            throw new IllegalStateException(
                    "ORDERS_DELAY_TRANSPORT=delayed-exchange but the broker has no rabbitmq_delayed_message_exchange plugin ("
                            + answer.why() + ")");
        }
        return DelayTransport.DEAD_LETTER_TTL;
    }

    /** A (re)established shared connection: decide again, in the background, so that the info is true. */
    private final class Reconnected implements ConnectionListener {
        @Override
        public void onCreate(Connection connection) {
            connectionsOpened.incrementAndGet();
            Thread again = new Thread(DelayTransports.this::decideQuietly, "delay-transport-check");
            again.setDaemon(true);
            again.start();
        }
    }

    private void decideQuietly() {
        try {
            active();
        } catch (RuntimeException e) {
            log.debug("Delay transport not decided again yet: {}", e.toString());
        }
    }
}
