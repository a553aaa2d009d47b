package com.example.orders.contracts;

import java.util.Locale;

/** How a message is held back until its time: the broker plugin, or fixed-TTL queues that dead-letter. */
public enum DelayTransport {
    /**
     * Ask the broker whether it has the delayed-message-exchange plugin (none from RabbitMQ 4.3 on) and
     * use it when present; asked again when the connection is re-established or a publish into the
     * plugin's exchange is refused.
     */
    AUTO,
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
