package com.example.orders.chaos;

import com.example.orders.contracts.Headers;
import com.example.orders.contracts.Topology;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checker, run once the system is at rest: reads the database directly and the HTTP API, and
 * lists every broken promise of the contract's "Guarantees". An empty list is the only pass.
 */
final class InvariantChecker {

    private static final String ORDERS = "SELECT id, status, payment_id, paid_at, expires_at, closed_at FROM orders";

    private static final String STOCK = """
            SELECT p.sku, p.stock,
                   COALESCE(SUM(CASE WHEN o.status IN ('PENDING', 'PAID') THEN i.quantity END), 0) AS held
            FROM product p
            LEFT JOIN order_item i ON i.sku = p.sku
            LEFT JOIN orders o ON o.id = i.order_id
            GROUP BY p.sku, p.stock
            """;

    private final Ledger ledger;
    private final Api api;
    private final List<String> violations = new ArrayList<>();

    InvariantChecker(Ledger ledger, Api api) {
        this.ledger = ledger;
        this.api = api;
    }

    record Row(String id, String status, String paymentId, Instant paidAt, Instant expiresAt, Instant closedAt) {}

    /** Every check; {@code poisoned} are the message ids the scenario dead-lettered on purpose. */
    List<String> check(Set<String> poisoned) {
        Map<String, Row> orders = new HashMap<>();
        Database.query(
                        ORDERS,
                        rs -> new Row(
                                rs.getString(1),
                                rs.getString(2),
                                rs.getString(3),
                                utc(rs.getObject(4, LocalDateTime.class)),
                                utc(rs.getObject(5, LocalDateTime.class)),
                                utc(rs.getObject(6, LocalDateTime.class))))
                .forEach(row -> orders.put(row.id(), row));
        everyOrderEndsInOneTerminalState(orders);
        acceptedPaymentsHold(orders);
        refusedPaymentsDidNotPay(orders);
        stockIsConserved();
        everyExpiryHappenedOnce(orders);
        outboxIsEmptied();
        queuesAreDrained();
        deadLettersAreOnlyThePoisoned(poisoned);
        apiAgreesWithTheDatabase(orders);
        ledger.wrongAnswers.forEach(wrong -> violate("wrong answer: " + wrong));
        return violations;
    }

    private void everyOrderEndsInOneTerminalState(Map<String, Row> orders) {
        ledger.orders.keySet().stream()
                .filter(id -> !orders.containsKey(id))
                .forEach(id -> violate("order " + id + " was created (201) but is not in the database"));
        for (Row row : orders.values()) {
            switch (row.status()) {
                case "PENDING" -> violate("order " + row.id() + " is still PENDING at rest");
                case "PAID" -> {
                    if (row.closedAt() != null || row.paymentId() == null) {
                        violate("order " + row.id() + " is PAID but closedAt=" + row.closedAt() + ", paymentId="
                                + row.paymentId());
                    }
                    if (!row.paidAt().isBefore(row.expiresAt())) {
                        violate("order " + row.id() + " was paid at " + row.paidAt() + ", after its deadline "
                                + row.expiresAt());
                    }
                }
                case "EXPIRED", "CANCELLED" -> {
                    if (row.paymentId() != null || row.paidAt() != null) {
                        violate("order " + row.id() + " is both " + row.status() + " and paid by " + row.paymentId());
                    }
                    if (row.status().equals("EXPIRED") && row.closedAt().isBefore(row.expiresAt())) {
                        violate("order " + row.id() + " expired at " + row.closedAt() + ", before its deadline");
                    }
                }
                default -> violate("order " + row.id() + " has status " + row.status());
            }
        }
    }

    private void acceptedPaymentsHold(Map<String, Row> orders) {
        ledger.acceptedPayments.forEach((orderId, paymentIds) -> {
            if (paymentIds.size() > 1) {
                violate("order " + orderId + " accepted several payments: " + paymentIds);
            }
            Row row = orders.get(orderId);
            for (String paymentId : paymentIds) {
                if (row == null || !"PAID".equals(row.status()) || !paymentId.equals(row.paymentId())) {
                    violate("payment " + paymentId + " was accepted (200) but order " + orderId + " is "
                            + (row == null ? "missing" : row.status() + " by " + row.paymentId()));
                }
            }
        });
    }

    private void refusedPaymentsDidNotPay(Map<String, Row> orders) {
        for (Ledger.Refusal refusal : ledger.refusedPayments) {
            Row row = orders.get(refusal.orderId());
            if (row != null
                    && "PAID".equals(row.status())
                    && refusal.paymentId().equals(row.paymentId())) {
                violate("payment " + refusal.paymentId() + " was refused (409 " + refusal.type() + ") but paid order "
                        + refusal.orderId());
            }
        }
    }

    private void stockIsConserved() {
        Database.query(STOCK, rs -> {
            String sku = rs.getString(1);
            long stock = rs.getLong(2);
            long held = rs.getLong(3);
            Integer initial = ledger.initialStock.get(sku);
            if (initial == null || initial != stock + held) {
                violate("stock of %s not conserved: PUT %s, now %d in stock + %d in PENDING/PAID orders"
                        .formatted(sku, initial, stock, held));
            }
            return null;
        });
    }

    /** Each expiry writes exactly one OrderExpired: more would mean stock given back twice. */
    private void everyExpiryHappenedOnce(Map<String, Row> orders) {
        long expired = orders.values().stream()
                .filter(row -> row.status().equals("EXPIRED"))
                .count();
        long events = Database.count("SELECT COUNT(*) FROM outbox WHERE event_type = 'OrderExpired'");
        long distinct = Database.count(
                "SELECT COUNT(DISTINCT JSON_VALUE(payload, '$.orderId')) FROM outbox WHERE event_type = 'OrderExpired'");
        if (events != expired || distinct != expired) {
            violate("%d orders EXPIRED but %d OrderExpired events for %d orders".formatted(expired, events, distinct));
        }
    }

    private void outboxIsEmptied() {
        long unsent = Database.count("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL");
        if (unsent > 0) {
            violate(unsent + " outbox messages were never published");
        }
    }

    private void queuesAreDrained() {
        Map<String, Broker.QueueState> queues = Broker.queues();
        for (String queue : Broker.PIPELINE_QUEUES) {
            Broker.QueueState state = queues.get(queue);
            if (state != null && (state.ready() > 0 || state.unacked() > 0)) {
                violate("queue %s holds %d ready and %d unacked messages at rest"
                        .formatted(queue, state.ready(), state.unacked()));
            }
        }
        Broker.QueueState dlq = queues.get(Topology.DEAD_LETTER_QUEUE);
        if (dlq != null && dlq.unacked() > 0) {
            violate("dead-letter queue has " + dlq.unacked() + " unacked messages");
        }
    }

    private void deadLettersAreOnlyThePoisoned(Set<String> poisoned) {
        List<Broker.Dead> dead = Broker.drainDeadLetters();
        for (Broker.Dead message : dead) {
            if (!poisoned.contains(message.messageId())) {
                violate("dead-lettered without being poisoned (%s: %s): %s"
                        .formatted(
                                message.header(Headers.DEAD_LETTER_REASON),
                                message.header(Headers.DEAD_LETTER_DETAIL),
                                message.body()));
            } else if (message.header(Headers.DEAD_LETTER_REASON) == null) {
                violate("poisoned message " + message.messageId() + " dead-lettered without a reason");
            }
        }
        long found = dead.stream().filter(d -> poisoned.contains(d.messageId())).count();
        if (found != poisoned.size()) {
            violate("%d messages poisoned on purpose but %d of them in the dead-letter queue"
                    .formatted(poisoned.size(), found));
        }
    }

    /** A sample of orders and every product, through the API, must say what the database says. */
    private void apiAgreesWithTheDatabase(Map<String, Row> orders) {
        orders.values().stream().limit(200).forEach(row -> {
            Api.Response response = api.get("/api/orders/" + row.id());
            if (response.status() != 200 || !row.status().equals(response.text("status"))) {
                violate("GET order %s answered %d %s, the database says %s"
                        .formatted(row.id(), response.status(), response.text("status"), row.status()));
            }
        });
        ledger.initialStock.keySet().forEach(sku -> {
            long stock = Database.count("SELECT stock FROM product WHERE sku = ?", sku);
            Api.Response response = api.get("/api/products/" + sku);
            if (response.status() != 200 || response.body().path("stock").asLong() != stock) {
                violate("GET product %s answered %d stock %s, the database says %d"
                        .formatted(sku, response.status(), response.body().path("stock"), stock));
            }
        });
    }

    private void violate(String what) {
        violations.add(what);
    }

    private static Instant utc(LocalDateTime value) {
        return value == null ? null : value.toInstant(ZoneOffset.UTC);
    }
}
