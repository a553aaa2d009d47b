package com.example.orders.order;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Reads and writes orders. Every timestamp is computed by the database: one clock for everyone. */
@Repository
public class OrderRepository {

    private static final String INSERT = """
            INSERT INTO orders (id, customer_id, status, total_cents, created_at, expires_at, idempotency_key)
            VALUES (:id, :customerId, 'PENDING', :totalCents, NOW(3),
                    TIMESTAMPADD(MICROSECOND, :timeoutMicros, NOW(3)), :idempotencyKey)
            """;

    private static final String INSERT_ITEM = """
            INSERT INTO order_item (order_id, sku, quantity, unit_price_cents)
            VALUES (:orderId, :sku, :quantity, :unitPriceCents)
            """;

    private static final String FIND = """
            SELECT id, customer_id, status, total_cents, created_at, expires_at, paid_at, closed_at
            FROM orders WHERE id = :id
            """;

    private static final String FIND_ITEMS = """
            SELECT sku, quantity, unit_price_cents FROM order_item WHERE order_id = :orderId ORDER BY sku
            """;

    private static final String FIND_BY_IDEMPOTENCY_KEY = "SELECT id FROM orders WHERE idempotency_key = :key";

    private static final String PAYMENT_ID = "SELECT payment_id FROM orders WHERE id = :id";

    private final JdbcClient jdbc;

    OrderRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(String id, String customerId, long totalCents, long timeoutMicros, String idempotencyKey) {
        jdbc.sql(INSERT)
                .param("id", id)
                .param("customerId", customerId)
                .param("totalCents", totalCents)
                .param("timeoutMicros", timeoutMicros)
                .param("idempotencyKey", idempotencyKey)
                .update();
    }

    void insertItem(String orderId, Order.Item item) {
        jdbc.sql(INSERT_ITEM)
                .param("orderId", orderId)
                .param("sku", item.sku())
                .param("quantity", item.quantity())
                .param("unitPriceCents", item.unitPriceCents())
                .update();
    }

    Optional<String> findIdByIdempotencyKey(String key) {
        return jdbc.sql(FIND_BY_IDEMPOTENCY_KEY)
                .param("key", key)
                .query(String.class)
                .optional();
    }

    public Optional<Order> find(String id) {
        List<Order.Item> items = jdbc.sql(FIND_ITEMS)
                .param("orderId", id)
                .query((rs, n) ->
                        new Order.Item(rs.getString("sku"), rs.getInt("quantity"), rs.getLong("unit_price_cents")))
                .list();
        return jdbc.sql(FIND).param("id", id).query((rs, n) -> order(rs, items)).optional();
    }

    public Optional<String> paymentId(String id) {
        return jdbc.sql(PAYMENT_ID)
                .param("id", id)
                .query((rs, n) -> Optional.ofNullable(rs.getString(1)))
                .optional()
                .flatMap(paymentId -> paymentId);
    }

    private static Order order(ResultSet rs, List<Order.Item> items) throws SQLException {
        return new Order(
                rs.getString("id"),
                rs.getString("customer_id"),
                OrderStatus.valueOf(rs.getString("status")),
                items,
                rs.getLong("total_cents"),
                utc(rs, "created_at"),
                utc(rs, "expires_at"),
                utc(rs, "paid_at"),
                utc(rs, "closed_at"));
    }

    /** DATETIME columns hold UTC (the session time zone is '+00:00'). */
    static Instant utc(ResultSet rs, String column) throws SQLException {
        LocalDateTime value = rs.getObject(column, LocalDateTime.class);
        return value == null ? null : value.toInstant(ZoneOffset.UTC);
    }
}
