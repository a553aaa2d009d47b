package com.example.orders.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scenario 5: the per-order expiry transaction of expiry-worker's ExpiryTransaction, statement for
 * statement, straight over JDBC from a thread pool (no broker, no Spring): guarded PENDING -> EXPIRED,
 * items, optimistic-lock stock restore (read version, conditional update, up to three attempts),
 * closed timestamps, OrderExpired into the outbox; READ COMMITTED, one commit per order. Orders are
 * inserted straight into the database first, already due, on their own 1,000 skus.
 */
final class Ceiling {

    private static final String MARK_EXPIRED = """
            UPDATE orders SET status = 'EXPIRED', closed_at = NOW(3)
            WHERE id = ? AND status = 'PENDING' AND expires_at <= NOW(3)""";
    private static final String ITEMS = "SELECT sku, quantity FROM order_item WHERE order_id = ? ORDER BY sku";
    private static final String VERSION = "SELECT version FROM product WHERE sku = ?";
    private static final String GIVE_BACK = """
            UPDATE product SET stock = stock + ?, version = version + 1, updated_at = NOW(3)
            WHERE sku = ? AND version = ?""";
    private static final String CLOSED = "SELECT expires_at, closed_at FROM orders WHERE id = ?";
    private static final String APPEND_EVENT = """
            INSERT INTO outbox (event_id, event_type, destination, routing_key, payload)
            VALUES (?, 'OrderExpired', 'events', 'order.expired', ?)""";

    private final Stack stack;

    Ceiling(Stack stack) {
        this.stack = stack;
    }

    /** Runs {@code orders} transactions at each thread count; returns per-step results and the best rate. */
    Map<String, Object> run(int orders, List<Integer> threadCounts, int skus) throws Exception {
        Map<String, Object> result = new LinkedHashMap<>();
        List<Map<String, Object>> steps = new ArrayList<>();
        double best = 0;
        int round = 0;
        try (Connection db = stack.db()) {
            insertProducts(db, skus);
            for (int threads : threadCounts) {
                List<String> ids = insertDueOrders(db, orders, skus, "ceiling-" + (round++) + "-");
                double rate = expireAll(ids, threads);
                best = Math.max(best, rate);
                Map<String, Object> step = new LinkedHashMap<>();
                step.put("threads", threads);
                step.put("orders", ids.size());
                step.put("ordersPerSecond", rate);
                step.put("deadlocksRetried", lastDeadlocks);
                step.put("stockConflicts", lastConflicts);
                steps.add(step);
                System.out.printf("ceiling: %d threads, %d orders: %.0f orders/s%n", threads, ids.size(), rate);
            }
        }
        result.put("steps", steps);
        result.put("ordersPerSecond", best);
        return result;
    }

    private void insertProducts(Connection db, int skus) throws Exception {
        db.setAutoCommit(false);
        try (PreparedStatement s = db.prepareStatement(
                "INSERT IGNORE INTO product (sku, name, price_cents, stock) VALUES (?, ?, 100, 1000000)")) {
            for (int i = 0; i < skus; i++) {
                s.setString(1, "ceil-" + i);
                s.setString(2, "ceil-" + i);
                s.addBatch();
            }
            s.executeBatch();
        }
        db.commit();
        db.setAutoCommit(true);
    }

    private List<String> insertDueOrders(Connection db, int n, int skus, String customerPrefix) throws Exception {
        List<String> ids = new ArrayList<>(n);
        db.setAutoCommit(false);
        try (PreparedStatement order = db.prepareStatement("""
                        INSERT INTO orders (id, customer_id, status, total_cents, created_at, expires_at)
                        VALUES (?, ?, 'PENDING', 100, NOW(3) - INTERVAL 2 SECOND, NOW(3) - INTERVAL 1 SECOND)""");
                PreparedStatement item = db.prepareStatement(
                        "INSERT INTO order_item (order_id, sku, quantity, unit_price_cents) VALUES (?, ?, 1, 100)");
                PreparedStatement take = db.prepareStatement("UPDATE product SET stock = stock - 1 WHERE sku = ?")) {
            for (int i = 0; i < n; i++) {
                String id = UUID.randomUUID().toString();
                ids.add(id);
                order.setString(1, id);
                order.setString(2, customerPrefix + i);
                order.addBatch();
                item.setString(1, id);
                item.setString(2, "ceil-" + (i % skus));
                item.addBatch();
                take.setString(1, "ceil-" + (i % skus));
                take.addBatch();
                if (i % 1000 == 999) {
                    order.executeBatch();
                    item.executeBatch();
                    take.executeBatch();
                }
            }
            order.executeBatch();
            item.executeBatch();
            take.executeBatch();
        }
        db.commit();
        db.setAutoCommit(true);
        return ids;
    }

    private double expireAll(List<String> ids, int threads) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicLong conflicts = new AtomicLong();
        AtomicLong deadlocks = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<Integer>> done = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            done.add(pool.submit(() -> {
                int expired = 0;
                try (Connection c = DriverManager.getConnection(stack.dbUrl, stack.dbUser, stack.dbPassword)) {
                    try (var s = c.createStatement()) {
                        s.execute("SET time_zone = '+00:00'");
                    }
                    c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                    c.setAutoCommit(false);
                    int i;
                    while ((i = next.getAndIncrement()) < ids.size()) {
                        for (int attempt = 1; attempt <= 10; attempt++) {
                            try {
                                if (expireOne(c, ids.get(i), conflicts)) {
                                    expired++;
                                }
                                break;
                            } catch (java.sql.SQLTransactionRollbackException deadlock) {
                                deadlocks.incrementAndGet(); // the worker would republish; here: at once
                            }
                        }
                    }
                }
                return expired;
            }));
        }
        int expired = 0;
        for (Future<Integer> f : done) {
            expired += f.get(10, TimeUnit.MINUTES);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        if (expired != ids.size()) {
            throw new IllegalStateException("ceiling expired " + expired + " of " + ids.size());
        }
        lastDeadlocks = deadlocks.get();
        lastConflicts = conflicts.get();
        return expired / seconds;
    }

    private long lastDeadlocks;
    private long lastConflicts;

    private static boolean expireOne(Connection c, String id, AtomicLong conflicts) throws Exception {
        try {
            try (PreparedStatement s = c.prepareStatement(MARK_EXPIRED)) {
                s.setString(1, id);
                if (s.executeUpdate() != 1) {
                    c.rollback();
                    return false;
                }
            }
            List<String[]> items = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(ITEMS)) {
                s.setString(1, id);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        items.add(new String[] {rs.getString(1), rs.getString(2)});
                    }
                }
            }
            for (String[] item : items) {
                restore(c, item[0], Integer.parseInt(item[1]), conflicts);
            }
            try (PreparedStatement s = c.prepareStatement(CLOSED)) {
                s.setString(1, id);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                }
            }
            try (PreparedStatement s = c.prepareStatement(APPEND_EVENT)) {
                s.setString(1, UUID.randomUUID().toString());
                s.setString(
                        2,
                        "{\"schemaVersion\":1,\"eventId\":\"%s\",\"orderId\":\"%s\",\"items\":[]}"
                                .formatted(UUID.randomUUID(), id));
                s.executeUpdate();
            }
            c.commit();
            return true;
        } catch (Exception e) {
            c.rollback();
            throw e;
        }
    }

    private static void restore(Connection c, String sku, int quantity, AtomicLong conflicts) throws Exception {
        for (int attempt = 1; attempt <= 3; attempt++) {
            long version;
            try (PreparedStatement s = c.prepareStatement(VERSION)) {
                s.setString(1, sku);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    version = rs.getLong(1);
                }
            }
            try (PreparedStatement s = c.prepareStatement(GIVE_BACK)) {
                s.setInt(1, quantity);
                s.setString(2, sku);
                s.setLong(3, version);
                if (s.executeUpdate() == 1) {
                    return;
                }
            }
            conflicts.incrementAndGet();
        }
        throw new IllegalStateException("stock conflict on " + sku);
    }
}
