package com.example.orders.messaging;

import com.example.orders.contracts.Topology;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpConnectException;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

/**
 * Asks the broker whether it has the delayed-message-exchange plugin, by declaring the plugin's
 * exchange (and binding it to the work queue) on a throwaway connection: without the plugin the
 * broker answers with a <em>connection</em> error (503 unknown exchange type), which would kill
 * every channel of the shared connection.
 */
final class DelayedExchangeProbe {

    private static final Logger log = LoggerFactory.getLogger(DelayedExchangeProbe.class);

    private final CachingConnectionFactory connections;

    DelayedExchangeProbe(CachingConnectionFactory connections) {
        this.connections = connections;
    }

    /**
     * True when the broker has the plugin (its exchange is then declared and bound), false when it
     * has not; throws {@link AmqpConnectException} while the broker cannot be reached.
     */
    boolean pluginPresent() {
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
            return true;
        } catch (IOException | ShutdownSignalException e) {
            if (!pluginMissing(e)) {
                throw new AmqpConnectException(new IOException("probing the delay transport failed", e));
            }
            return false;
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
