package com.example.orders.messaging;

import com.example.orders.delay.BrokerVersion;
import com.example.orders.delay.PluginTransport;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Method;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpConnectException;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

/**
 * Asks the broker how it can delay a message. Its version decides first: from RabbitMQ 4.3 on, quorum
 * queues park messages and the plugin cannot exist ({@link BrokerVersion}), and nothing is declared. Before
 * that, the plugin's exchange is declared (and bound to the work queue) on a throwaway connection:
 * the broker accepting it means present; the broker refusing it, with whatever code, means absent
 * (3.10 closes the connection, 503 unknown exchange type; 4.3.6, were it asked, closes the channel
 * with 406, unknown exchange type when fresh and invalid exchange type when it once had the plugin). Only failing to reach the broker leaves
 * the question open. The throwaway connection keeps a connection error away from the shared one,
 * whose channels it would kill.
 */
final class DelayedExchangeProbe {

    private static final Logger log = LoggerFactory.getLogger(DelayedExchangeProbe.class);

    private final CachingConnectionFactory connections;

    DelayedExchangeProbe(CachingConnectionFactory connections) {
        this.connections = connections;
    }

    /**
     * What the broker said, and why, for the log: whether its quorum queues park messages (RabbitMQ 4.3+)
     * and whether it has the plugin.
     */
    record Answer(boolean parks, boolean plugin, String why) {}

    /**
     * Whether the broker parks messages, else whether it has the plugin (its exchange is then declared and bound); throws
     * {@link AmqpConnectException} while the broker cannot be reached.
     */
    Answer ask() {
        // The shared connection also declares our own topology when it opens (RabbitAdmin), so the
        // binding below finds its queue.
        Object version;
        try (var shared = connections.createConnection()) {
            version = shared.getDelegate().getServerProperties().get("version");
        }
        if (BrokerVersion.isRabbitMq43OrLater(version)) {
            return new Answer(
                    true, false, "RabbitMQ " + version + " parks messages in quorum queues (no plugin since 4.3)");
        }
        Connection probe = null;
        try {
            com.rabbitmq.client.ConnectionFactory quiet =
                    connections.getRabbitConnectionFactory().clone();
            quiet.setExceptionHandler(new QuietExceptionHandler()); // the broker closing it is an expected answer
            probe = quiet.newConnection("order-service-delay-probe");
            Channel channel = probe.createChannel();
            try {
                PluginTransport.declareExchange(channel);
            } catch (IOException | ShutdownSignalException e) {
                Method refusal = refusal(e);
                if (refusal == null) {
                    throw new AmqpConnectException(new IOException("probing the delay transport failed", e));
                }
                return new Answer(
                        false, false, "RabbitMQ " + version + " refused the plugin's exchange: " + text(refusal));
            }
            PluginTransport.bindToWorkQueue(channel);
            return new Answer(false, true, "RabbitMQ " + version + " accepted the plugin's exchange");
        } catch (IOException | TimeoutException | ShutdownSignalException e) {
            throw new AmqpConnectException(new IOException("probing the delay transport failed", e));
        } finally {
            if (probe != null) {
                probe.abort();
            }
        }
    }

    /**
     * The broker's close of the channel or connection that refused the declaration, or null when the
     * failure was not the broker's answer (the connection lost, a timeout).
     */
    static Method refusal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ShutdownSignalException signal
                    && !signal.isInitiatedByApplication()
                    && (signal.getReason() instanceof AMQP.Channel.Close
                            || signal.getReason() instanceof AMQP.Connection.Close)) {
                return signal.getReason();
            }
        }
        return null;
    }

    private static String text(Method refusal) {
        if (refusal instanceof AMQP.Channel.Close close) {
            return close.getReplyCode() + " " + close.getReplyText() + " (channel error)";
        }
        AMQP.Connection.Close close = (AMQP.Connection.Close) refusal;
        return close.getReplyCode() + " " + close.getReplyText() + " (connection error)";
    }

    private static final class QuietExceptionHandler extends com.rabbitmq.client.impl.DefaultExceptionHandler {
        @Override
        public void handleUnexpectedConnectionDriverException(Connection connection, Throwable exception) {
            log.debug("Delay transport probe connection closed: {}", exception.toString());
        }
    }
}
