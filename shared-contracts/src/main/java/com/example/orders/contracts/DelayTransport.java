package com.example.orders.contracts;

import java.util.Locale;

/**
 * How a message is held back until its time: parked in the quorum work queue (RabbitMQ 4.3+), the
 * broker plugin, or fixed-TTL queues that dead-letter.
 */
public enum DelayTransport {
    /**
     * The first the broker supports of {@link #QUORUM_DELAY} (RabbitMQ 4.3 and later), {@link #DELAYED_EXCHANGE}
     * (the plugin, asked for on older brokers) and {@link #DEAD_LETTER_TTL}; asked again when the connection
     * is re-established or a publish into the plugin's exchange is refused.
     */
    AUTO,
    /**
     * RabbitMQ 4.3 and later: the message goes straight to the quorum work queue, and the worker, consuming
     * over AMQP 1.0, settles whatever is not due yet with the {@code modified} outcome and an
     * {@code x-opt-delivery-time}: the queue holds it ("parks" it) and delivers it again then. No dead-letter
     * hop at all.
     */
    QUORUM_DELAY,
    /** The rabbitmq-delayed-message-exchange plugin and its {@code x-delay} header. */
    DELAYED_EXCHANGE,
    /**
     * Stock RabbitMQ: the configured payment window's own queue ({@link DelayWindow}) for the usual
     * order, the {@link DelayCascade} for any other delay; fixed-TTL quorum queues that dead-letter.
     */
    DEAD_LETTER_TTL;

    /** The form used in configuration and logs: {@code delayed-exchange}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
