package com.example.orders.chaos;

import com.example.orders.contracts.Headers;
import com.example.orders.contracts.Topology;
import com.example.orders.testsupport.Api;
import com.example.orders.testsupport.Broker;
import com.example.orders.testsupport.Rabbitmqctl;
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
        Settings.db()
                .query(
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
        cancelAnswersHold(orders);
        stockIsConserved();
        everyExpiryHappenedOnce(orders);
        everyCancelHappenedOnce(orders);
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

    /** A cancel answered 200 cancelled the order; one answered 409 did not, for the reason it gave. */
    private void cancelAnswersHold(Map<String, Row> orders) {
        for (String orderId : ledger.acceptedCancels) {
            Row row = orders.get(orderId);
            if (row == null || !"CANCELLED".equals(row.status())) {
                violate("cancel of " + orderId + " was accepted (200) but the order is "
                        + (row == null ? "missing" : row.status()));
            }
        }
        for (Ledger.Refusal refusal : ledger.refusedCancels) {
            Row row = orders.get(refusal.orderId());
            String expected = switch (refusal.type()) {
                case "order-paid" -> "PAID";
                case "order-expired" -> "EXPIRED";
                default -> "a refusal type of the contract";
            };
            if (row == null || !expected.equals(row.status())) {
                violate("cancel of %s was refused (409 %s) but the order is %s"
                        .formatted(refusal.orderId(), refusal.type(), row == null ? "missing" : row.status()));
            }
        }
    }

    private void stockIsConserved() {
        Settings.db().query(STOCK, rs -> {
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
        oneEventPerOrder(orders, "EXPIRED", "OrderExpired");
    }

    /** Each cancel writes exactly one OrderCancelled, and an order is closed by one event only. */
    private void everyCancelHappenedOnce(Map<String, Row> orders) {
        oneEventPerOrder(orders, "CANCELLED", "OrderCancelled");
        long closedTwice = Settings.db().count("""
                SELECT COUNT(*) FROM (
                    SELECT JSON_VALUE(payload, '$.orderId') AS order_id FROM outbox
                    WHERE event_type IN ('OrderExpired', 'OrderCancelled')
                    GROUP BY order_id HAVING COUNT(*) > 1) twice
                """);
        if (closedTwice > 0) {
            violate(closedTwice + " orders have both an OrderExpired and an OrderCancelled (or two of one)");
        }
    }

    private void oneEventPerOrder(Map<String, Row> orders, String status, String eventType) {
        long closed = orders.values().stream()
                .filter(row -> row.status().equals(status))
                .count();
        long events = Settings.db().count("SELECT COUNT(*) FROM outbox WHERE event_type = ?", eventType);
        long distinct = Settings.db()
                .count(
                        "SELECT COUNT(DISTINCT JSON_VALUE(payload, '$.orderId')) FROM outbox WHERE event_type = ?",
                        eventType);
        if (events != closed || distinct != closed) {
            violate("%d orders %s but %d %s events for %d orders"
                    .formatted(closed, status, events, eventType, distinct));
        }
    }

    private void outboxIsEmptied() {
        long unsent = Settings.db().count("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL");
        if (unsent > 0) {
            violate(unsent + " outbox messages were never published");
        }
    }

    private void queuesAreDrained() {
        Map<String, Rabbitmqctl.QueueState> queues = Settings.rabbitmqctl().queues(Settings.vhost());
        for (String queue : Broker.PIPELINE_QUEUES) {
            Rabbitmqctl.QueueState state = queues.get(queue);
            if (state != null && (state.ready() > 0 || state.unacked() > 0)) {
                violate("queue %s holds %d ready and %d unacked messages at rest"
                        .formatted(queue, state.ready(), state.unacked()));
            }
        }
        Rabbitmqctl.QueueState dlq = queues.get(Topology.DEAD_LETTER_QUEUE);
        if (dlq != null && dlq.unacked() > 0) {
            violate("dead-letter queue has " + dlq.unacked() + " unacked messages");
        }
    }

    private void deadLettersAreOnlyThePoisoned(Set<String> poisoned) {
        List<Broker.Dead> dead = Settings.withBroker(Broker::drainDeadLetters);
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
            long stock = Settings.db().count("SELECT stock FROM product WHERE sku = ?", sku);
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
