package com.example.orders.chaos;

import java.time.Instant;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/** What the API told the workload: the facts the checker holds the database to. */
final class Ledger {

    /** Stock each sku was PUT with; only a PUT may change stock + reserved. */
    final Map<String, Integer> initialStock = new ConcurrentHashMap<>();

    /** Orders the API created (201), with their deadline. */
    final Map<String, Instant> orders = new ConcurrentHashMap<>();

    /** Payments the API accepted (200), per order. */
    final Map<String, Set<String>> acceptedPayments = new ConcurrentHashMap<>();

    /** Payments the API refused with 409. */
    final Queue<Refusal> refusedPayments = new ConcurrentLinkedQueue<>();

    /** Orders whose cancel the API accepted (200). */
    final Set<String> acceptedCancels = ConcurrentHashMap.newKeySet();

    /** Cancels the API refused with 409 (type: order-paid or order-expired). */
    final Queue<Refusal> refusedCancels = new ConcurrentLinkedQueue<>();

    /** Answers no correct service gives (a 4xx to a valid request, an error that is not a problem, ...). */
    final Queue<String> wrongAnswers = new ConcurrentLinkedQueue<>();

    final AtomicInteger outOfStock = new AtomicInteger();
    final AtomicInteger serverErrorsRetried = new AtomicInteger();
    final AtomicInteger paymentsRepeated = new AtomicInteger();
    final AtomicInteger paymentsAtDeadline = new AtomicInteger();
    final AtomicInteger paymentsAfterDeadline = new AtomicInteger();
    final AtomicInteger cancelsAtDeadline = new AtomicInteger();

    record Refusal(String orderId, String paymentId, String type) {}

    void accepted(String orderId, String paymentId) {
        acceptedPayments
                .computeIfAbsent(orderId, id -> ConcurrentHashMap.newKeySet())
                .add(paymentId);
    }

    void refused(String orderId, String paymentId, String type) {
        refusedPayments.add(new Refusal(orderId, paymentId, type));
    }

    void wrong(String what) {
        wrongAnswers.add(what);
    }
}
