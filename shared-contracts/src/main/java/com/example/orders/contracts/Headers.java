package com.example.orders.contracts;

/** Message header names the services agree on. */
public final class Headers {

    /** The delayed-message-exchange plugin's delay, in milliseconds. */
    public static final String DELAY = "x-delay";

    /** How many times the worker has republished this expiry message (absent on the first delivery). */
    public static final String REPUBLISH_COUNT = "x-expiry-republish-count";

    /** Why the worker republished it: a {@link RepublishReason} code, e.g. {@code lock-conflict}. */
    public static final String REPUBLISH_REASON = "x-expiry-republish-reason";

    /** Why a message is in the dead-letter queue: a {@link DeadLetterReason} code, e.g. {@code malformed}. */
    public static final String DEAD_LETTER_REASON = "x-dead-letter-reason";

    /** Human-readable detail of the dead-letter reason. */
    public static final String DEAD_LETTER_DETAIL = "x-dead-letter-detail";

    /** The message type, e.g. {@code OrderCreated}, so a reader of the console knows what it holds. */
    public static final String EVENT_TYPE = "x-event-type";

    private Headers() {}
}
