package com.example.orders.outbox;

/**
 * One unsent row of the outbox.
 *
 * @param destination {@code expiry} (held back until its deadline) or {@code events}
 * @param delayMillis time left until deliver_at by the database's clock; 0 when due or not delayed
 */
public record OutboxMessage(
        long id,
        String eventId,
        String eventType,
        String destination,
        String routingKey,
        String payload,
        long delayMillis) {

    public boolean isExpiry() {
        return "expiry".equals(destination);
    }
}
