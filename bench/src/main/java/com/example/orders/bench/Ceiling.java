package com.example.orders.bench;

import com.example.orders.expiry.jdbc.ExpiryOutcome;
import com.example.orders.expiry.jdbc.ExpiryStatements;
import com.example.orders.expiry.jdbc.OrderExpiredJson;
import com.example.orders.expiry.jdbc.StockConflictException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLTransactionRollbackException;
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
 * Scenario 5: expiry-worker's own expiry transaction, straight over JDBC from a thread pool (no
 * broker, no Spring): the very {@link ExpiryStatements} the worker runs, on connections with the
 * worker's Connector/J settings, READ COMMITTED, one commit per transaction. Two shapes: one order
 * per transaction (the card's transaction) and a batch per transaction (the worker's batched path).
 * Orders are inserted straight into the database first, already due.
 */
final class Ceiling {

    /** expiry-worker's datasource settings (its application.yml), so that both parse and batch alike. */
    static final String WORKER_CONNECTION_PROPERTIES =
            "useLocalSessionState=true&cachePrepStmts=true&prepStmtCacheSize=256&prepStmtCacheSqlLimit=32768"
                    + "&rewriteBatchedStatements=true";

    private final Stack stack;
    private long lastRetries;
    private long lastConflicts;

    Ceiling(Stack stack) {
        this.stack = stack;
    }

    /**
     * Runs {@code orders} orders at each thread count, {@code batch} orders per transaction (1: one
     * order per transaction), on {@code skus} skus; returns per-step results and the best rate.
     */
    Map<String, Object> run(int orders, List<Integer> threadCounts, int skus, int batch) throws Exception {
        Map<String, Object> result = new LinkedHashMap<>();
        List<Map<String, Object>> steps = new ArrayList<>();
        double best = 0;
        String prefix = "ceil-" + skus + "-" + batch + "-";
        try (Connection db = stack.db()) {
            insertProducts(db, prefix, skus);
            for (int threads : threadCounts) {
                List<String> ids = insertDueOrders(db, orders, prefix, skus);
                Cpu cpu = new Cpu()
                        .watch("jdbc-loop", ProcessHandle.current().pid())
                        .watch("mariadbd", Cpu.mariadbPid(db));
                Map<String, Double> before = cpu.seconds();
                long start = System.nanoTime();
                expireAll(ids, threads, batch);
                double seconds = (System.nanoTime() - start) / 1e9;
                double rate = ids.size() / seconds;
                best = Math.max(best, rate);
                Map<String, Object> step = new LinkedHashMap<>();
                step.put("threads", threads);
                step.put("ordersPerTransaction", batch);
                step.put("orders", ids.size());
                step.put("ordersPerSecond", rate);
                step.put("cpuMsPerOrder", Cpu.msPerUnit(before, cpu.seconds(), ids.size()));
                step.put("transactionsRetried", lastRetries);
                step.put("stockConflicts", lastConflicts);
                steps.add(step);
                System.out.printf(
                        "ceiling: %d threads, %d per transaction, %d orders on %d skus: %.0f orders/s%n",
                        threads, batch, ids.size(), skus, rate);
            }
        }
        result.put("steps", steps);
        result.put("ordersPerSecond", best);
        return result;
    }

    private static void insertProducts(Connection db, String prefix, int skus) throws Exception {
        db.setAutoCommit(false);
        try (PreparedStatement s = db.prepareStatement(
                "INSERT IGNORE INTO product (sku, name, price_cents, stock) VALUES (?, ?, 100, 1000000)")) {
            for (int i = 0; i < skus; i++) {
                s.setString(1, prefix + i);
                s.setString(2, prefix + i);
                s.addBatch();
            }
            s.executeBatch();
        }
        db.commit();
        db.setAutoCommit(true);
    }

    private static List<String> insertDueOrders(Connection db, int n, String prefix, int skus) throws Exception {
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
                order.setString(2, prefix + "c" + i);
                order.addBatch();
                item.setString(1, id);
                item.setString(2, prefix + (i % skus));
                item.addBatch();
                take.setString(1, prefix + (i % skus));
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

    private void expireAll(List<String> ids, int threads, int batch) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicLong conflicts = new AtomicLong();
        AtomicLong retries = new AtomicLong();
        ExpiryStatements statements = new ExpiryStatements(3, OrderExpiredJson::write, conflicts::incrementAndGet);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<Integer>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            done.add(pool.submit(() -> {
                int expired = 0;
                try (Connection c = workerConnection()) {
                    int from;
                    while ((from = next.getAndAdd(batch)) < ids.size()) {
                        List<String> chunk = ids.subList(from, Math.min(ids.size(), from + batch));
                        expired += expireWithRetries(c, statements, chunk, retries);
                    }
                }
                return expired;
            }));
        }
        int expired = 0;
        for (Future<Integer> f : done) {
            expired += f.get(10, TimeUnit.MINUTES);
        }
        pool.shutdown();
        if (expired != ids.size()) {
            throw new IllegalStateException("ceiling expired " + expired + " of " + ids.size());
        }
        lastRetries = retries.get();
        lastConflicts = conflicts.get();
    }

    /** A rolled-back transaction (deadlock, three lost locks) is run again at once; the worker would republish. */
    private static int expireWithRetries(
            Connection c, ExpiryStatements statements, List<String> chunk, AtomicLong retries) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                int expired = 0;
                if (chunk.size() == 1) {
                    expired += statements.expireOne(c, chunk.get(0)) instanceof ExpiryOutcome.Expired ? 1 : 0;
                } else {
                    for (ExpiryOutcome outcome :
                            statements.expireBatch(c, chunk).values()) {
                        expired += outcome instanceof ExpiryOutcome.Expired ? 1 : 0;
                    }
                }
                c.commit();
                return expired;
            } catch (SQLTransactionRollbackException | StockConflictException e) {
                c.rollback();
                retries.incrementAndGet();
                if (attempt == 20) {
                    throw e;
                }
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private Connection workerConnection() throws SQLException {
        String url = stack.dbUrl + (stack.dbUrl.contains("?") ? "&" : "?") + WORKER_CONNECTION_PROPERTIES;
        Connection c = DriverManager.getConnection(url, stack.dbUser, stack.dbPassword);
        try (var s = c.createStatement()) {
            s.execute("SET time_zone = '+00:00'");
        }
        c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        c.setAutoCommit(false);
        return c;
    }
}
