package com.example.orders.bench;

import com.example.orders.contracts.OrderCreated;
import com.example.orders.contracts.Topology;
import com.example.orders.testsupport.Api;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
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

/**
 * The create ceiling: order-service's own statements for placing an order and for paying it, straight
 * over JDBC from a thread pool (no HTTP, no Spring), as many threads as the service's connection pool.
 * The texts are the product's ({@link ProductSql}: its repositories' constants, read from the jar under
 * test), the connection settings its {@code application.yml}'s; the sequence is {@code OrderService}'s
 * and {@code PaymentService}'s (with the replay guard's remembering): change one and change this.
 *
 * <p>Placing: take the stock (guarded decrement), read the price and the database's clock, insert the
 * order (created then) and its item, append {@code OrderCreated} to the outbox, commit. Paying: remember
 * the signature (its own transaction, as {@code ReplayGuard} does), the guarded {@code PAID} update,
 * read the order back, commit. One connection per thread, in manual-commit mode and READ COMMITTED as
 * the service's pool hands them out. The service's outbox relay publishes the ceiling's outbox rows as it
 * publishes the HTTP orders': MariaDB's CPU here includes the relay's reads and marks.
 */
final class CreateCeiling {

    private static final String ORDERS = "com.example.orders.order.OrderRepository";
    private static final String PRODUCTS = "com.example.orders.product.ProductRepository";
    private static final String OUTBOX = "com.example.orders.outbox.OutboxRepository";
    private static final String REPLAYS = "com.example.orders.security.ReplayGuard";

    private final Stack stack;
    private final Path jar;
    private final ProductSql.Positional take;
    private final ProductSql.Positional prices;
    private final ProductSql.Positional insert;
    private final ProductSql.Positional insertItem;
    private final ProductSql.Positional find;
    private final ProductSql.Positional appendExpiry;
    private final ProductSql.Positional remember;
    private final ProductSql.Positional markPaid;

    CreateCeiling(Stack stack, Path jar) {
        this.stack = stack;
        this.jar = jar;
        ProductSql sql = new ProductSql(jar);
        take = ProductSql.positional(sql.constant(PRODUCTS, "TAKE"));
        prices = ProductSql.positional(sql.constant(PRODUCTS, "PRICES"));
        insert = ProductSql.positional(sql.constant(ORDERS, "INSERT"));
        insertItem = ProductSql.positional(sql.constant(ORDERS, "INSERT_ITEM"));
        find = ProductSql.positional(sql.constant(ORDERS, "FIND"));
        appendExpiry = ProductSql.positional(sql.constant(OUTBOX, "APPEND_EXPIRY"));
        remember = ProductSql.positional(sql.constant(REPLAYS, "REMEMBER"));
        markPaid = ProductSql.positional(sql.constant(ORDERS, "MARK_PAID"));
    }

    /** Places {@code orders} orders on skus {@code sku-0 .. sku-(skus-1)} from {@code threads} threads, then pays them. */
    Map<String, Object> run(int orders, int threads, int skus) throws Exception {
        ConnectionSettings properties = ConnectionSettings.of(jar);
        List<String> ids = new ArrayList<>(orders);
        for (int i = 0; i < orders; i++) {
            ids.add(UUID.randomUUID().toString());
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("threads", threads);
        result.put("connectionProperties", properties.urlProperties());
        result.put("connectionInitSql", properties.initSql());
        result.put("create", measure("create", ids, threads, properties, (c, id, n) -> place(c, id, n, skus)));
        result.put("payment", measure("payment", ids, threads, properties, this::pay));
        return result;
    }

    @FunctionalInterface
    private interface Work {
        void run(Connections c, String orderId, int n) throws SQLException;
    }

    private Map<String, Object> measure(
            String what, List<String> ids, int threads, ConnectionSettings properties, Work work) throws Exception {
        long mariadbd;
        try (var db = stack.db()) {
            mariadbd = Cpu.mariadbPid(db);
        }
        Cpu cpu = new Cpu().watch("jdbc-loop", ProcessHandle.current().pid()).watch("mariadbd", mariadbd);
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        Map<String, Double> before = cpu.seconds();
        long start = System.nanoTime();
        List<Future<Integer>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            done.add(pool.submit(() -> {
                int count = 0;
                try (Connections c = new Connections(stack, properties)) {
                    int n;
                    while ((n = next.getAndIncrement()) < ids.size()) {
                        work.run(c, ids.get(n), n);
                        count++;
                    }
                }
                return count;
            }));
        }
        int count = 0;
        for (Future<Integer> f : done) {
            count += f.get(10, TimeUnit.MINUTES);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        Map<String, Object> step = new LinkedHashMap<>();
        step.put("orders", count);
        step.put("perSecond", count / seconds);
        step.put("cpuMsPerOrder", Cpu.msPerUnit(before, cpu.seconds(), count));
        System.out.printf("create ceiling: %s, %d threads: %.0f/s%n", what, threads, count / seconds);
        return step;
    }

    private void place(Connections c, String id, int n, int skus) throws SQLException {
        Connection db = c.tx;
        String sku = "sku-" + Math.floorMod(n * 7919, skus);
        try {
            if (update(db, take, Map.of("sku", sku, "quantity", 1)) != 1) {
                throw new IllegalStateException("no stock left of " + sku);
            }
            long price = 0;
            java.time.LocalDateTime now = null;
            try (Query prices = query(db, this.prices, Map.of("skus", sku))) {
                while (prices.rs.next()) {
                    price = prices.rs.getLong("price_cents");
                    now = prices.rs.getObject("now", java.time.LocalDateTime.class);
                }
            }
            Map<String, Object> order = new LinkedHashMap<>();
            order.put("id", id);
            order.put("customerId", "ceiling-" + n);
            order.put("totalCents", price);
            order.put(
                    "createdAt",
                    java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSS")
                            .format(now));
            order.put("timeoutMicros", 15L * 60 * 1_000_000);
            order.put("idempotencyKey", null);
            update(db, insert, order);
            update(db, insertItem, Map.of("orderId", id, "sku", sku, "quantity", 1, "unitPriceCents", price));
            OrderCreated event = OrderCreated.of(id, "ceiling-" + n, price, Instant.now(), Instant.now());
            Map<String, Object> outbox = new LinkedHashMap<>();
            outbox.put("eventId", event.eventId().toString());
            outbox.put("eventType", OrderCreated.class.getSimpleName());
            outbox.put("routingKey", Topology.EXPIRE_KEY);
            outbox.put("payload", Api.JSON.writeValueAsString(event));
            outbox.put("orderId", id);
            update(db, appendExpiry, outbox);
            db.commit();
        } catch (SQLException | RuntimeException e) {
            db.rollback();
            throw e;
        }
    }

    private void pay(Connections c, String id, int n) throws SQLException {
        Map<String, Object> signature = new LinkedHashMap<>();
        signature.put(
                "signature", "t=" + Instant.now().getEpochSecond() + ",v1=" + UUID.randomUUID() + UUID.randomUUID());
        signature.put("orderId", id);
        signature.put("bodySha256", UUID.randomUUID().toString() + UUID.randomUUID());
        Connection db = c.tx;
        try {
            update(db, remember, signature);
            db.commit();
        } catch (SQLException | RuntimeException e) {
            db.rollback();
            throw e;
        }
        try {
            if (update(db, markPaid, Map.of("id", id, "paymentId", "ceiling-pay-" + n)) != 1) {
                throw new IllegalStateException("order " + id + " not paid");
            }
            readBack(db, id);
            db.commit();
        } catch (SQLException | RuntimeException e) {
            db.rollback();
            throw e;
        }
    }

    /** {@code OrderRepository.find}: the order with its items, one row per item. */
    private void readBack(Connection db, String id) throws SQLException {
        try (Query order = query(db, find, Map.of("id", id))) {
            if (!order.rs.next()) {
                throw new IllegalStateException("order " + id + " not found");
            }
            order.rs.getString("status");
            order.rs.getString("sku");
            order.rs.getObject("expires_at", java.time.LocalDateTime.class);
        }
    }

    /** Prepared for each execution, as Spring's JdbcTemplate does (the driver's statement cache applies). */
    private static int update(Connection db, ProductSql.Positional p, Map<String, Object> params) throws SQLException {
        try (PreparedStatement s = db.prepareStatement(p.sql())) {
            bind(s, p, params);
            return s.executeUpdate();
        }
    }

    private static Query query(Connection db, ProductSql.Positional p, Map<String, Object> params) throws SQLException {
        PreparedStatement s = db.prepareStatement(p.sql());
        bind(s, p, params);
        return new Query(s, s.executeQuery());
    }

    private static void bind(PreparedStatement s, ProductSql.Positional p, Map<String, Object> params)
            throws SQLException {
        for (int i = 0; i < p.names().size(); i++) {
            String name = p.names().get(i);
            if (!params.containsKey(name)) {
                throw new IllegalStateException("no value for :" + name + " in " + p.sql());
            }
            s.setObject(i + 1, params.get(name));
        }
    }

    private record Query(PreparedStatement statement, ResultSet rs) implements AutoCloseable {
        @Override
        public void close() throws SQLException {
            rs.close();
            statement.close();
        }
    }

    /** One thread's connection, as the service's pool hands them out: manual commit, READ COMMITTED. */
    private static final class Connections implements AutoCloseable {
        final Connection tx;

        Connections(Stack stack, ConnectionSettings settings) throws SQLException {
            tx = open(stack, settings);
            tx.setAutoCommit(false);
            tx.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        }

        private static Connection open(Stack stack, ConnectionSettings settings) throws SQLException {
            String properties = settings.urlProperties();
            String url =
                    stack.dbUrl + (properties.isEmpty() ? "" : (stack.dbUrl.contains("?") ? "&" : "?") + properties);
            Connection c = DriverManager.getConnection(url, stack.dbUser, stack.dbPassword);
            try (var s = c.createStatement()) {
                s.execute(settings.initSql());
            }
            return c;
        }

        @Override
        public void close() throws SQLException {
            tx.close();
        }
    }
}
