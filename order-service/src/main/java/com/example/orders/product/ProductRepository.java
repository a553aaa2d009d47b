package com.example.orders.product;

import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The one owner of the {@code product} table in order-service: every statement on it is here. The
 * order's reservation ({@code order.StockReservation}) and the cancel's give-back
 * ({@code cancel.StockRelease}) hold the logic and call these. (expiry-worker gives stock back
 * through expiry-jdbc's {@code StockStatements}, the same optimistic lock.)
 *
 * <p>A plain component, not a {@code @Repository}: {@code JdbcClient} already throws Spring's
 * {@code DataAccessException}s, and the exception-translation proxy around a {@code @Repository} only
 * added a proxy call to every statement (issue 19's profile).
 */
@Component
public class ProductRepository {

    private static final String UPSERT = """
            INSERT INTO product (sku, name, price_cents, stock, version, updated_at)
            VALUES (:sku, :name, :priceCents, :stock, 0, NOW(3))
            ON DUPLICATE KEY UPDATE name = VALUES(name), price_cents = VALUES(price_cents),
                                    stock = VALUES(stock), version = version + 1, updated_at = NOW(3)
            """;

    private static final String VERSION = "SELECT version FROM product WHERE sku = :sku";

    private static final String FIND = "SELECT sku, name, price_cents, stock FROM product WHERE sku = :sku";

    /** One order line's guarded decrement: the check and the write are one statement. */
    private static final String TAKE = """
            UPDATE product SET stock = stock - :quantity, version = version + 1, updated_at = NOW(3)
            WHERE sku = :sku AND stock >= :quantity
            """;

    /** Under the optimistic lock: writes only if the row still holds the version read. */
    private static final String GIVE_BACK = """
            UPDATE product SET stock = stock + :quantity, version = version + 1, updated_at = NOW(3)
            WHERE sku = :sku AND version = :version
            """;

    private static final String STOCK = "SELECT stock FROM product WHERE sku = :sku";

    /** With the database's clock of that moment: a new order's {@code created_at}, without a round trip of its own. */
    private static final String PRICES = "SELECT sku, price_cents, NOW(3) AS now FROM product WHERE sku IN (:skus)";

    /** What unpaid orders hold of a sku: it comes back into stock if they expire. */
    private static final String HELD_BY_PENDING = """
            SELECT COALESCE(SUM(i.quantity), 0) FROM order_item i JOIN orders o ON o.id = i.order_id
            WHERE i.sku = :sku AND o.status = 'PENDING'
            """;

    private final JdbcClient jdbc;

    ProductRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Creates or replaces the product; true when it was created (an existing row's version is bumped). */
    boolean upsert(String sku, ProductRequest request) {
        jdbc.sql(UPSERT)
                .param("sku", sku)
                .param("name", request.name())
                .param("priceCents", request.priceCents())
                .param("stock", request.stock())
                .update();
        return version(sku) == 0L;
    }

    /** Takes {@code quantity} of the sku's stock if there is that much; false (nothing written) if not. */
    public boolean take(String sku, int quantity) {
        return jdbc.sql(TAKE).param("sku", sku).param("quantity", quantity).update() == 1;
    }

    /** Gives {@code quantity} back if the row still holds {@code version}; false (nothing written) if not. */
    public boolean giveBack(String sku, int quantity, long version) {
        return jdbc.sql(GIVE_BACK)
                        .param("sku", sku)
                        .param("quantity", quantity)
                        .param("version", version)
                        .update()
                == 1;
    }

    /** The current committed version of the sku's row (it must exist). */
    public long version(String sku) {
        return jdbc.sql(VERSION).param("sku", sku).query(Long.class).single();
    }

    /** The stock that can still be ordered; empty for an unknown sku. */
    public Optional<Integer> stock(String sku) {
        return jdbc.sql(STOCK).param("sku", sku).query(Integer.class).optional();
    }

    /** Each known sku's price in cents (unknown skus are left out), and the database's clock as it read them. */
    public record Prices(Map<String, Long> bySku, LocalDateTime now) {}

    /** The skus' prices; {@code now} is null when none of them is known. */
    public Prices prices(List<String> skus) {
        List<PriceRow> rows = jdbc.sql(PRICES)
                .param("skus", skus)
                .query((rs, n) -> new PriceRow(
                        rs.getString("sku"), rs.getLong("price_cents"), rs.getObject("now", LocalDateTime.class)))
                .list();
        return new Prices(
                rows.stream().collect(Collectors.toMap(PriceRow::sku, PriceRow::cents)),
                rows.isEmpty() ? null : rows.get(0).now());
    }

    private record PriceRow(String sku, long cents, LocalDateTime now) {}

    long heldByPendingOrders(String sku) {
        return jdbc.sql(HELD_BY_PENDING).param("sku", sku).query(Long.class).single();
    }

    Optional<Product> find(String sku) {
        return jdbc.sql(FIND)
                .param("sku", sku)
                .query((rs, n) -> new Product(
                        rs.getString("sku"), rs.getString("name"), rs.getLong("price_cents"), rs.getInt("stock")))
                .optional();
    }
}
