package com.example.orders.contracts;

import java.util.Locale;

/** How a message is held back until its time: the broker plugin, or a TTL queue that dead-letters. */
public enum DelayTransport {
    /** Detect the delayed-message-exchange plugin at start-up and use it when present. */
    AUTO,
    /** The rabbitmq-delayed-message-exchange plugin and its {@code x-delay} header. */
    DELAYED_EXCHANGE,
    /** Stock RabbitMQ: a wait queue with per-message TTL whose dead-letter exchange is the work queue's. */
    DEAD_LETTER_TTL;

    /** The form used in configuration and logs: {@code delayed-exchange}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
