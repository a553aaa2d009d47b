package com.example.orders.expiry;

import com.example.orders.contracts.DelayCascade;
import com.example.orders.contracts.OrderCreated;
import com.example.orders.contracts.Topology;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConnectionFactory;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.springframework.test.context.DynamicPropertyRegistry;
import tools.jackson.databind.json.JsonMapper;

/**
 * The real database and broker of the worker's integration tests: database {@code orders_test} and
 * vhost {@code orders-test} unless {@code IT_DATASOURCE_URL} / {@code IT_RABBITMQ_VIRTUAL_HOST} say
 * otherwise (both emptied first), with order-service's own migrations applied.
 */
final class ItDatabase {

    static final String DB_URL = env("IT_DATASOURCE_URL", "jdbc:mysql://127.0.0.1:3306/orders_test");
    static final String DB_USER = env("IT_DATASOURCE_USERNAME", "orders");
    static final String DB_PASSWORD = env("IT_DATASOURCE_PASSWORD", "orders");
    static final String RABBIT_HOST = env("IT_RABBITMQ_HOST", "127.0.0.1");
    static final int RABBIT_PORT = Integer.parseInt(env("IT_RABBITMQ_PORT", "5672"));
    static final String RABBIT_VHOST = env("IT_RABBITMQ_VIRTUAL_HOST", "orders-test");

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ItDatabase() {}

    /** Points a Spring test context of the worker at this database and broker. */
    static void register(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> DB_URL);
        registry.add("spring.datasource.username", () -> DB_USER);
        registry.add("spring.datasource.password", () -> DB_PASSWORD);
        registry.add("spring.rabbitmq.host", () -> RABBIT_HOST);
        registry.add("spring.rabbitmq.port", () -> RABBIT_PORT);
        registry.add("spring.rabbitmq.virtual-host", () -> RABBIT_VHOST);
    }

    /** Empties the database and the vhost's expiry queues, then applies order-service's schema. */
    static void reset() throws Exception {
        String server = DB_URL.substring(0, DB_URL.lastIndexOf('/') + 1);
        String database = DB_URL.substring(DB_URL.lastIndexOf('/') + 1).replaceAll("\\?.*", "");
        try (var c = DriverManager.getConnection(server, DB_USER, DB_PASSWORD);
                var s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS `" + database + "`");
            s.execute("CREATE DATABASE `" + database + "`");
        }
        Flyway.configure()
                .dataSource(DB_URL, DB_USER, DB_PASSWORD)
                .locations("filesystem:../order-service/src/main/resources/db/migration")
                .load()
                .migrate();
        try (var broker = broker()) {
            List<String> queues = new ArrayList<>(DelayCascade.levelQueues());
            queues.addAll(List.of(
                    Topology.EXPIRY_QUEUE, Topology.WAIT_QUEUE, Topology.RETRY_QUEUE, Topology.DEAD_LETTER_QUEUE));
            for (String queue : queues) {
                Channel channel = broker.createChannel();
                channel.queueDelete(queue);
                channel.close();
            }
        }
    }

    static com.rabbitmq.client.Connection broker() throws Exception {
        var factory = new ConnectionFactory();
        factory.setHost(RABBIT_HOST);
        factory.setPort(RABBIT_PORT);
        factory.setVirtualHost(RABBIT_VHOST);
        return factory.newConnection("expiry-worker-it");
    }

    /** Whether the test broker parks messages (RabbitMQ 4.3+): the worker then consumes over AMQP 1.0. */
    static boolean brokerParksMessages() throws Exception {
        try (var broker = broker()) {
            return com.example.orders.delay.BrokerVersion.isRabbitMq43OrLater(
                    broker.getServerProperties().get("version"));
        }
    }

    static Connection connection() throws SQLException {
        return DriverManager.getConnection(DB_URL, DB_USER, DB_PASSWORD);
    }

    /** A product whose stock is {@code stock} once every order placed on it is back. */
    static void product(String sku, int stock) throws SQLException {
        update("INSERT INTO product (sku, name, price_cents, stock) VALUES (?, ?, 100, ?)", sku, sku, stock);
    }

    /**
     * An order of {@code quantity} of {@code sku} in {@code status}, its deadline {@code dueInSeconds}
     * from now (negative: past), its stock taken from the product as order-service would.
     */
    static String order(String sku, int quantity, String status, int dueInSeconds) throws SQLException {
        String id = UUID.randomUUID().toString();
        update(
                "INSERT INTO orders (id, customer_id, status, total_cents, created_at, expires_at)"
                        + " VALUES (?, 'it', ?, 100, NOW(3), NOW(3) + INTERVAL ? SECOND)",
                id,
                status,
                dueInSeconds);
        update(
                "INSERT INTO order_item (order_id, sku, quantity, unit_price_cents) VALUES (?, ?, ?, 100)",
                id,
                sku,
                quantity);
        if (!status.equals("EXPIRED")) {
            update("UPDATE product SET stock = stock - ? WHERE sku = ?", quantity, sku);
        }
        return id;
    }

    /** The body order-service's relay would publish for this order. */
    static byte[] orderCreated(String orderId) {
        return orderCreated(orderId, Instant.now());
    }

    /** The message order-service publishes for an order due at {@code expiresAt}. */
    static byte[] orderCreated(String orderId, Instant expiresAt) {
        return JSON.writeValueAsString(OrderCreated.of(orderId, "it", 100, Instant.now(), expiresAt))
                .getBytes(StandardCharsets.UTF_8);
    }

    static String status(String orderId) throws SQLException {
        return single("SELECT status FROM orders WHERE id = ?", orderId);
    }

    static int stock(String sku) throws SQLException {
        return Integer.parseInt(single("SELECT stock FROM product WHERE sku = ?", sku));
    }

    static int expiredEvents(String orderId) throws SQLException {
        return Integer.parseInt(single(
                "SELECT COUNT(*) FROM outbox WHERE event_type = 'OrderExpired' AND payload LIKE ?",
                "%" + orderId + "%"));
    }

    static String single(String sql, Object... params) throws SQLException {
        try (Connection c = connection();
                PreparedStatement s = prepared(c, sql, params);
                ResultSet rs = s.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** The order's deadline on this JVM's clock (the database's, read as time left, so no time zone enters). */
    static Instant deadline(String orderId) throws SQLException {
        long micros = Long.parseLong(
                single("SELECT TIMESTAMPDIFF(MICROSECOND, NOW(6), expires_at) FROM orders WHERE id = ?", orderId));
        return Instant.now().plus(micros, ChronoUnit.MICROS);
    }

    static int update(String sql, Object... params) throws SQLException {
        try (Connection c = connection();
                PreparedStatement s = prepared(c, sql, params)) {
            return s.executeUpdate();
        }
    }

    private static PreparedStatement prepared(Connection c, String sql, Object... params) throws SQLException {
        PreparedStatement s = c.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            s.setObject(i + 1, params[i]);
        }
        return s;
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
