package com.example.orders.expiry.jdbc;

/** What the guarded rollback transaction did with one order. */
public sealed interface ExpiryOutcome {

    /** Cancelled and its stock given back, {@code latenessMillis} after its deadline. */
    record Expired(long latenessMillis) implements ExpiryOutcome {}

    /** Paid, cancelled or already expired: nothing to do. */
    record AlreadyClosed(String status) implements ExpiryOutcome {}

    /** Still pending and its deadline is {@code remainingMillis} away: the message came early. */
    record NotDue(long remainingMillis) implements ExpiryOutcome {}

    /** No such order. */
    record UnknownOrder() implements ExpiryOutcome {}
}
