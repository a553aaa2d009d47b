package com.example.orders.order;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.ResultSetExtractor;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The one owner of the {@code orders} and {@code order_item} tables in order-service: every statement
 * on them is here (payment and cancel call it for their guarded updates). Every timestamp is computed
 * by the database: one clock for everyone. (expiry-worker's statements on the same tables are in the
 * expiry-jdbc module.)
 *
 * <p>A plain component, not a {@code @Repository}: {@code JdbcClient} already throws Spring's
 * {@code DataAccessException}s, and the exception-translation proxy around a {@code @Repository} only
 * added a proxy call to every statement (issue 19's profile).
 */
@Component
public class OrderRepository {

    private static final String INSERT = """
            INSERT INTO orders (id, customer_id, status, total_cents, created_at, expires_at, idempotency_key)
            VALUES (:id, :customerId, 'PENDING', :totalCents, :createdAt,
                    TIMESTAMPADD(MICROSECOND, :timeoutMicros, :createdAt), :idempotencyKey)
            """;

    private static final String INSERT_ITEM = """
            INSERT INTO order_item (order_id, sku, quantity, unit_price_cents)
            VALUES (:orderId, :sku, :quantity, :unitPriceCents)
            """;

    /** The order and its items in one round trip: one row per item, in sku order (the primary key's). */
    private static final String FIND = """
            SELECT o.id, o.customer_id, o.status, o.total_cents, o.created_at, o.expires_at, o.paid_at, o.closed_at,
                   i.sku, i.quantity, i.unit_price_cents
            FROM orders o LEFT JOIN order_item i ON i.order_id = o.id
            WHERE o.id = :id
            ORDER BY i.sku
            """;

    private static final String FIND_BY_IDEMPOTENCY_KEY = "SELECT id FROM orders WHERE idempotency_key = :key";

    private static final String PAYMENT_ID = "SELECT payment_id FROM orders WHERE id = :id";

    /**
     * The payment's guard. The payment races the expiry worker and the customer's cancel; each of them
     * is one conditional update of the order row ({@code WHERE status = 'PENDING'}), so the row lock
     * decides and exactly one wins. The deadline is judged by the database's clock, the one the worker
     * uses to decide the order is due.
     */
    private static final String MARK_PAID = """
            UPDATE orders SET status = 'PAID', payment_id = :paymentId, paid_at = NOW(3)
            WHERE id = :id AND status = 'PENDING' AND expires_at > NOW(3)
            """;

    /** The cancel's guard: only a PENDING order is cancelled (the same race as {@link #MARK_PAID}). */
    private static final String MARK_CANCELLED = """
            UPDATE orders SET status = 'CANCELLED', closed_at = NOW(3) WHERE id = :id AND status = 'PENDING'
            """;

    /**
     * Each item with its product's current committed stock version (read right after the cancel's
     * guard: the first attempt's read of the optimistic lock under READ COMMITTED), in sku order.
     */
    private static final String ITEMS_WITH_STOCK_VERSION = """
            SELECT i.sku, i.quantity, p.version
            FROM order_item i JOIN product p ON p.sku = i.sku
            WHERE i.order_id = :id
            ORDER BY i.sku
            """;

    /**
     * A {@code DATETIME(3)} value as the text the database reads it from: Connector/J sends a
     * {@code LocalDateTime} parameter of a client-side prepared statement without its fraction of a second.
     */
    private static final DateTimeFormatter DATETIME_3 = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSS");

    private final JdbcClient jdbc;

    OrderRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * {@code createdAt}: the database's clock read earlier in this transaction (UTC, whole
     * milliseconds); {@code timeoutMillis}: the payment window, so that {@code expires_at} is exactly
     * {@code createdAt} plus it in a {@code DATETIME(3)} column, on MySQL (which rounds a finer
     * fraction) as on MariaDB (which truncates it).
     */
    void insert(
            String id,
            String customerId,
            long totalCents,
            LocalDateTime createdAt,
            long timeoutMillis,
            String idempotencyKey) {
        jdbc.sql(INSERT)
                .param("id", id)
                .param("customerId", customerId)
                .param("totalCents", totalCents)
                .param("createdAt", DATETIME_3.format(createdAt))
                .param("timeoutMicros", timeoutMillis * 1_000)
                // typed: for an untyped null Spring asks the driver for the parameter's type, and
                // Connector/J answers each create with an SQLException and its stack trace (about 2% of
                // order-service's CPU in a perf profile of the steady scenario)
                .param("idempotencyKey", idempotencyKey, Types.VARCHAR)
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
        return jdbc.sql(FIND).param("id", id).query((ResultSetExtractor<Optional<Order>>) OrderRepository::order);
    }

    public Optional<String> paymentId(String id) {
        return jdbc.sql(PAYMENT_ID)
                .param("id", id)
                .query((rs, n) -> Optional.ofNullable(rs.getString(1)))
                .optional()
                .flatMap(paymentId -> paymentId);
    }

    /** True when this call paid the order; false when it was not PENDING or its deadline had passed. */
    public boolean markPaid(String id, String paymentId) {
        return jdbc.sql(MARK_PAID).param("id", id).param("paymentId", paymentId).update() == 1;
    }

    /** True when this call cancelled the order; false when it was not PENDING (or does not exist). */
    public boolean markCancelled(String id) {
        return jdbc.sql(MARK_CANCELLED).param("id", id).update() == 1;
    }

    public List<StockedItem> itemsWithStockVersion(String orderId) {
        return jdbc.sql(ITEMS_WITH_STOCK_VERSION)
                .param("id", orderId)
                .query((rs, n) -> new StockedItem(rs.getString("sku"), rs.getInt("quantity"), rs.getLong("version")))
                .list();
    }

    /** One line of an order, with its product's stock version as read (for an optimistic-lock attempt). */
    public record StockedItem(String sku, int quantity, long versionRead) {}

    /** The order of {@link #FIND}'s rows (one per item; empty: no such order). */
    private static Optional<Order> order(ResultSet rs) throws SQLException {
        if (!rs.next()) {
            return Optional.empty();
        }
        Order head = order(rs, List.of());
        List<Order.Item> items = new ArrayList<>(1);
        do {
            String sku = rs.getString("sku");
            if (sku != null) {
                items.add(new Order.Item(sku, rs.getInt("quantity"), rs.getLong("unit_price_cents")));
            }
        } while (rs.next());
        return Optional.of(new Order(
                head.id(),
                head.customerId(),
                head.status(),
                List.copyOf(items),
                head.totalCents(),
                head.createdAt(),
                head.expiresAt(),
                head.paidAt(),
                head.closedAt()));
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
