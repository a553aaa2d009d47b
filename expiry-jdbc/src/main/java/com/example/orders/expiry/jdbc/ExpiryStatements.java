package com.example.orders.expiry.jdbc;

import com.example.orders.contracts.OrderExpired;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The guarded rollback transaction, for one order or for a batch, on a connection whose transaction
 * the caller owns (READ COMMITTED, auto-commit off; the caller commits, or rolls back on any
 * exception). expiry-worker runs these inside its Spring transactions; bench's ceiling runs the same
 * code on bare connections, so the two cannot drift apart.
 *
 * <ol>
 *   <li>{@code PENDING -> EXPIRED} as a guarded update ({@code status = 'PENDING' AND expires_at <=
 *       NOW(3)}); an order it does not match (paid, cancelled, expired, early, unknown) is untouched;
 *   <li>the stock of every item given back under an optimistic lock, skus in sorted order;
 *   <li>{@code OrderExpired} written to the outbox.
 * </ol>
 *
 * The state change comes first, so the order rows stay locked while stock is restored: a payment
 * arriving meanwhile waits, then finds the order no longer PENDING.
 */
public final class ExpiryStatements {

    private static final String MARK_EXPIRED = """
            UPDATE orders SET status = 'EXPIRED', closed_at = NOW(3)
            WHERE id = ? AND status = 'PENDING' AND expires_at <= NOW(3)""";

    /**
     * The batch's guard, as a locking read. MariaDB 10.11 and MySQL 8 have no {@code UPDATE ...
     * RETURNING}, and the affected count of an {@code UPDATE ... WHERE id IN (...)} says how many rows
     * changed but not which. So the candidates are locked first under the very same guard (a locking
     * read sees the latest committed row and waits for a payment holding it), then exactly those are
     * updated and the count checked: the rows that changed are known, not inferred. The alternative,
     * updating first and reading back {@code status = 'EXPIRED'}, cannot tell our rows from ones that
     * were already expired by a duplicate message or the sweep.
     */
    private static final InList LOCK_DUE = new InList("""
            SELECT id FROM orders
            WHERE id IN (%s) AND status = 'PENDING' AND expires_at <= NOW(3) FOR UPDATE""");

    private static final InList MARK_ALL_EXPIRED = new InList("""
            UPDATE orders SET status = 'EXPIRED', closed_at = NOW(3)
            WHERE id IN (%s) AND status = 'PENDING' AND expires_at <= NOW(3)""");

    private static final InList STATES = new InList("""
            SELECT id, status, GREATEST(0, TIMESTAMPDIFF(MICROSECOND, NOW(3), expires_at) DIV 1000) AS remaining_ms
            FROM orders WHERE id IN (%s)""");

    /**
     * Right after the guard, in one round trip: each order's deadline and closing time, and each item
     * with its product's current committed version, the first attempt's read of the optimistic lock
     * (READ COMMITTED: a plain read sees the latest committed row).
     */
    private static final InList EXPIRED_WITH_ITEMS = new InList("""
            SELECT o.id, o.expires_at, o.closed_at, i.sku, i.quantity, p.version
            FROM orders o
            LEFT JOIN order_item i ON i.order_id = o.id
            LEFT JOIN product p ON p.sku = i.sku
            WHERE o.id IN (%s)
            ORDER BY o.id, i.sku""");

    private final StockStatements stock;
    private final OutboxStatements outbox;

    /**
     * @param stockAttempts optimistic-lock attempts per sku before {@link StockConflictException}
     * @param payload writes an event as the outbox row's JSON
     * @param onConflict called for every optimistic-lock attempt that lost
     */
    public ExpiryStatements(int stockAttempts, Function<OrderExpired, String> payload, Runnable onConflict) {
        this.stock = new StockStatements(stockAttempts, onConflict);
        this.outbox = new OutboxStatements(payload);
    }

    /** One order, one transaction: guarded update first, then its stock, then its event. */
    public ExpiryOutcome expireOne(Connection c, String orderId) throws SQLException {
        try (PreparedStatement mark = c.prepareStatement(MARK_EXPIRED)) {
            mark.setString(1, orderId);
            if (mark.executeUpdate() != 1) {
                return states(c, List.of(orderId)).get(orderId);
            }
        }
        return expired(c, List.of(orderId)).get(orderId);
    }

    /**
     * A batch in one transaction: one guarded state change for every order that is due, each sku's
     * stock given back once with the summed quantities, every event in one INSERT. Returns each
     * order's outcome (in the order given; duplicates once).
     */
    public Map<String, ExpiryOutcome> expireBatch(Connection c, Collection<String> orderIds) throws SQLException {
        List<String> ids = new ArrayList<>(new LinkedHashSet<>(orderIds));
        Map<String, ExpiryOutcome> outcomes = new LinkedHashMap<>();
        if (ids.isEmpty()) {
            return outcomes;
        }
        if (ids.size() == 1) { // a quiet moment's batch: the one-order transaction is a round trip shorter
            outcomes.put(ids.get(0), expireOne(c, ids.get(0)));
            return outcomes;
        }
        List<String> due = lockDue(c, ids);
        if (!due.isEmpty()) {
            try (PreparedStatement mark = c.prepareStatement(MARK_ALL_EXPIRED.sql(due.size()))) {
                InList.bind(mark, due);
                int changed = mark.executeUpdate();
                if (changed != due.size()) {
                    throw new SQLException("the guarded update changed " + changed + " of the " + due.size()
                            + " orders it had locked");
                }
            }
        }
        Map<String, ExpiryOutcome> expired = due.isEmpty() ? Map.of() : expired(c, due);
        List<String> rest = ids.stream().filter(id -> !expired.containsKey(id)).toList();
        Map<String, ExpiryOutcome> others = rest.isEmpty() ? Map.of() : states(c, rest);
        for (String id : ids) {
            outcomes.put(id, expired.containsKey(id) ? expired.get(id) : others.get(id));
        }
        return outcomes;
    }

    private static List<String> lockDue(Connection c, List<String> ids) throws SQLException {
        List<String> due = new ArrayList<>(ids.size());
        try (PreparedStatement lock = c.prepareStatement(LOCK_DUE.sql(ids.size()))) {
            InList.bind(lock, ids);
            try (ResultSet rs = lock.executeQuery()) {
                while (rs.next()) {
                    due.add(rs.getString(1));
                }
            }
        }
        return due;
    }

    /** Stock and events of orders this transaction has just marked EXPIRED. */
    private Map<String, ExpiryOutcome> expired(Connection c, List<String> ids) throws SQLException {
        Map<String, Closed> orders = new LinkedHashMap<>();
        TreeMap<String, StockStatements.Restore> skus = new TreeMap<>();
        try (PreparedStatement read = c.prepareStatement(EXPIRED_WITH_ITEMS.sql(ids.size()))) {
            InList.bind(read, ids);
            try (ResultSet rs = read.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    Closed order = orders.get(id);
                    if (order == null) {
                        order = new Closed(utc(rs, 2), utc(rs, 3), new ArrayList<>());
                        orders.put(id, order);
                    }
                    String sku = rs.getString(4);
                    if (sku != null) {
                        int quantity = rs.getInt(5);
                        long version = rs.getLong(6);
                        order.items().add(new OrderExpired.Item(sku, quantity));
                        skus.merge(
                                sku,
                                new StockStatements.Restore(sku, quantity, version),
                                (was, more) -> was.plus(more.quantity()));
                    }
                }
            }
        }
        stock.restore(c, skus);
        List<OrderExpired> events = new ArrayList<>(orders.size());
        Map<String, ExpiryOutcome> outcomes = new LinkedHashMap<>();
        orders.forEach((id, order) -> {
            events.add(OrderExpired.of(id, order.expiresAt(), order.closedAt(), order.items()));
            outcomes.put(
                    id,
                    new ExpiryOutcome.Expired(Duration.between(order.expiresAt(), order.closedAt())
                            .toMillis()));
        });
        outbox.append(c, events);
        return outcomes;
    }

    /** Why orders were not expired: paid or closed, not yet due, or unknown. */
    private static Map<String, ExpiryOutcome> states(Connection c, List<String> ids) throws SQLException {
        Map<String, ExpiryOutcome> outcomes = new LinkedHashMap<>();
        try (PreparedStatement read = c.prepareStatement(STATES.sql(ids.size()))) {
            InList.bind(read, ids);
            try (ResultSet rs = read.executeQuery()) {
                while (rs.next()) {
                    String status = rs.getString(2);
                    outcomes.put(
                            rs.getString(1),
                            "PENDING".equals(status)
                                    ? new ExpiryOutcome.NotDue(rs.getLong(3))
                                    : new ExpiryOutcome.AlreadyClosed(status));
                }
            }
        }
        for (String id : ids) {
            outcomes.putIfAbsent(id, new ExpiryOutcome.UnknownOrder());
        }
        return outcomes;
    }

    /** DATETIME(3) columns hold UTC (every connection sets time_zone = '+00:00'). */
    private static Instant utc(ResultSet rs, int column) throws SQLException {
        LocalDateTime value = rs.getObject(column, LocalDateTime.class);
        return value == null ? null : value.toInstant(ZoneOffset.UTC);
    }

    private record Closed(Instant expiresAt, Instant closedAt, List<OrderExpired.Item> items) {}
}
