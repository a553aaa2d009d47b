package com.example.orders.outbox;

import com.example.orders.contracts.OrderCancelled;
import com.example.orders.contracts.OrderCreated;
import com.example.orders.contracts.Topology;
import java.time.Instant;
import org.springframework.stereotype.Component;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes messages to the outbox table inside the caller's transaction: the message exists if and
 * only if the order does. {@link OutboxRelay} publishes them after commit, woken by the commit; the
 * statements are {@link OutboxRepository}'s. Called outside a transaction it refuses, as
 * {@code @Transactional(propagation = MANDATORY)} did, without a proxy around every call.
 */
@Component
public class Outbox {

    private final OutboxRepository outbox;
    private final JsonMapper json;
    private final TransactionSynchronization wakeRelay;

    Outbox(OutboxRepository outbox, JsonMapper json, OutboxRelay relay) {
        this.outbox = outbox;
        this.json = json;
        this.wakeRelay = new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                relay.wake();
            }
        };
    }

    public void orderCreated(String orderId, String customerId, long totalCents, Instant createdAt, Instant expiresAt) {
        requireTransaction();
        OrderCreated event = OrderCreated.of(orderId, customerId, totalCents, createdAt, expiresAt);
        int rows = outbox.appendExpiry(
                event.eventId().toString(),
                OrderCreated.class.getSimpleName(),
                Topology.EXPIRE_KEY,
                json.writeValueAsString(event),
                orderId);
        if (rows != 1) {
            throw new IllegalStateException("order " + orderId + " is not in this transaction");
        }
    }

    public void orderCancelled(OrderCancelled event) {
        requireTransaction();
        outbox.appendEvent(
                event.eventId().toString(),
                OrderCancelled.class.getSimpleName(),
                Topology.ORDER_CANCELLED_KEY,
                json.writeValueAsString(event));
    }

    /** Refuses a call outside a transaction; wakes the relay once this one commits. */
    private void requireTransaction() {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalTransactionStateException("an outbox message is written only in the business transaction");
        }
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(wakeRelay); // a set: once per transaction
        }
    }
}
