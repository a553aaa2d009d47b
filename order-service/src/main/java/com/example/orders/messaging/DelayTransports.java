package com.example.orders.messaging;

import com.example.orders.OrdersProperties;
import com.example.orders.contracts.DelayTransport;
import com.example.orders.contracts.Topology;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpConnectException;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Decides how expiry messages are delayed. {@code auto} probes the broker for the
 * delayed-message-exchange plugin by declaring its exchange on a throwaway connection: without the
 * plugin the broker answers with a <em>connection</em> error (503 unknown exchange type), which would
 * kill every channel of the shared connection. Until the broker has been reached once the choice is
 * open, and the outbox simply waits.
 */
@Component
public class DelayTransports implements InfoContributor {

    private static final Logger log = LoggerFactory.getLogger(DelayTransports.class);

    private final DelayTransport configured;
    private final CachingConnectionFactory connections;
    private volatile DelayTransport active;

    DelayTransports(OrdersProperties properties, CachingConnectionFactory connections) {
        this.configured = properties.delayTransport();
        this.connections = connections;
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
                    active = probe();
                    log.info("Delay transport: {} (configured: {})", active.label(), configured.label());
                }
                transport = active;
            }
        }
        return transport;
    }

    @EventListener(ApplicationReadyEvent.class)
    void resolveAtStartup() {
        try {
            DelayTransport transport = active();
            if (configured == DelayTransport.DEAD_LETTER_TTL) {
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
        DelayTransport transport = active;
        builder.withDetail(
                "delayTransport",
                Map.of(
                        "configured",
                        configured.label(),
                        "active",
                        transport == null ? "undecided" : transport.label()));
    }

    private DelayTransport probe() {
        // Declares our own topology first (RabbitAdmin runs on connection open), so the binding below finds its queue.
        connections.createConnection().close();
        Connection probe = null;
        try {
            com.rabbitmq.client.ConnectionFactory quiet =
                    connections.getRabbitConnectionFactory().clone();
            quiet.setExceptionHandler(new QuietExceptionHandler()); // the broker closing it is the expected answer
            probe = quiet.newConnection("order-service-delay-probe");
            Channel channel = probe.createChannel();
            channel.exchangeDeclare(
                    Topology.DELAYED_EXCHANGE, "x-delayed-message", true, false, Topology.delayedExchangeArguments());
            channel.queueBind(Topology.EXPIRY_QUEUE, Topology.DELAYED_EXCHANGE, Topology.EXPIRE_KEY);
            return DelayTransport.DELAYED_EXCHANGE;
        } catch (IOException | ShutdownSignalException e) {
            if (!pluginMissing(e)) {
                throw new AmqpConnectException(new IOException("probing the delay transport failed", e));
            }
            if (configured == DelayTransport.DELAYED_EXCHANGE) {
                throw new IllegalStateException(
                        "ORDERS_DELAY_TRANSPORT=delayed-exchange but the broker has no rabbitmq_delayed_message_exchange plugin");
            }
            return DelayTransport.DEAD_LETTER_TTL;
        } catch (TimeoutException e) {
            throw new AmqpConnectException(e);
        } finally {
            if (probe != null) {
                probe.abort();
            }
        }
    }

    private static boolean pluginMissing(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("unknown exchange type")) {
                return true;
            }
        }
        return false;
    }

    private static final class QuietExceptionHandler extends com.rabbitmq.client.impl.DefaultExceptionHandler {
        @Override
        public void handleUnexpectedConnectionDriverException(Connection connection, Throwable exception) {
            log.debug("Delay transport probe connection closed: {}", exception.toString());
        }
    }
}
