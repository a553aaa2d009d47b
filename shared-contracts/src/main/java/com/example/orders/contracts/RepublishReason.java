package com.example.orders.contracts;

/**
 * Why the worker sent an expiry message back through the delay cascade: the value of
 * {@link Headers#REPUBLISH_REASON} on the wire and the {@code reason} tag of
 * {@code orders_expiry_republished_total}.
 */
public enum RepublishReason {
    /** The stock's optimistic lock lost on every attempt; the transaction rolled back. */
    LOCK_CONFLICT("lock-conflict"),
    /** Another database failure the next attempt may not meet (a deadlock, a lock wait timeout). */
    TRANSIENT_FAILURE("transient-failure"),
    /** The message came before the order's deadline; it waits for the time left. */
    EARLY("early"),
    /** The database could not be reached; not counted toward the dead-letter bound. */
    DATABASE_UNAVAILABLE("database-unavailable");

    private final String code;

    RepublishReason(String code) {
        this.code = code;
    }

    /** The short stable code sent in the header, e.g. {@code lock-conflict}. */
    public String code() {
        return code;
    }
}
