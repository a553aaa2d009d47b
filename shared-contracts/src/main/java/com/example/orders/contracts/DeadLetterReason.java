package com.example.orders.contracts;

/**
 * Why an expiry message can never succeed and was parked in the dead-letter queue: the value of
 * {@link Headers#DEAD_LETTER_REASON} on the wire and the {@code reason} tag of
 * {@code orders_expiry_dead_lettered_total}; {@link Headers#DEAD_LETTER_DETAIL} says more.
 */
public enum DeadLetterReason {
    /** The body is not a readable {@code OrderCreated}. */
    MALFORMED("malformed"),
    /** A schema version this worker does not read. */
    UNSUPPORTED_SCHEMA_VERSION("unsupported-schema-version"),
    /** No order with the message's id. */
    UNKNOWN_ORDER("unknown-order"),
    /** Rolled back more often than {@code expiry.max-republishes} allows. */
    RETRIES_EXHAUSTED("retries-exhausted");

    private final String code;

    DeadLetterReason(String code) {
        this.code = code;
    }

    /** The short stable code sent in the header, e.g. {@code unknown-order}. */
    public String code() {
        return code;
    }
}
