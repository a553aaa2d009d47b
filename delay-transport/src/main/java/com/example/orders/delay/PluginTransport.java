package com.example.orders.delay;

import com.example.orders.contracts.Headers;
import com.example.orders.contracts.Topology;
import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.util.Map;

/**
 * The delay with the rabbitmq_delayed_message_exchange plugin ({@code delayed-exchange}): the message
 * waits inside the plugin's exchange for its {@code x-delay}, then goes to the work queue. Only
 * order-service uses it, and only once it has found the plugin on the broker; expiry-worker sends its
 * messages round again through the {@link CascadeTransport}, which every RabbitMQ has.
 */
public final class PluginTransport {

    /** The plugin's exchange type. */
    public static final String EXCHANGE_TYPE = "x-delayed-message";

    private PluginTransport() {}

    /**
     * Its topology, first half: the plugin's exchange. Declared on a channel of the caller's (a broker
     * without the plugin refuses it, on 3.x with a connection error), not as a Spring {@code Declarable}
     * that every connection would declare: the answer is how order-service learns whether the plugin is
     * there.
     */
    public static void declareExchange(Channel channel) throws IOException {
        channel.exchangeDeclare(
                Topology.DELAYED_EXCHANGE, EXCHANGE_TYPE, true, false, Topology.delayedExchangeArguments());
    }

    /** Its topology, second half: the plugin's exchange bound to the work queue. */
    public static void bindToWorkQueue(Channel channel) throws IOException {
        channel.queueBind(Topology.EXPIRY_QUEUE, Topology.DELAYED_EXCHANGE, Topology.EXPIRE_KEY);
    }

    /**
     * A new message due in {@code delayMillis}: into the plugin's exchange with its {@code x-delay}, not
     * mandatory (the exchange routes only when the delay is over, so every delayed publish would come
     * back NO_ROUTE); already due, straight to the work queue.
     */
    public static Delayed publish(long delayMillis) {
        if (delayMillis <= 0) {
            return Delayed.due();
        }
        return new Delayed(
                Topology.DELAYED_EXCHANGE, Topology.EXPIRE_KEY, Map.of(Headers.DELAY, delayMillis), false, "plugin");
    }
}
