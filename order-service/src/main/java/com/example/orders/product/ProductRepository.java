package com.example.orders.product;

import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class ProductRepository {

    private static final String UPSERT = """
            INSERT INTO product (sku, name, price_cents, stock, version, updated_at)
            VALUES (:sku, :name, :priceCents, :stock, 0, NOW(3))
            ON DUPLICATE KEY UPDATE name = VALUES(name), price_cents = VALUES(price_cents),
                                    stock = VALUES(stock), version = version + 1, updated_at = NOW(3)
            """;

    private static final String VERSION = "SELECT version FROM product WHERE sku = :sku";

    private static final String FIND = "SELECT sku, name, price_cents, stock FROM product WHERE sku = :sku";

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
        return jdbc.sql(VERSION).param("sku", sku).query(Long.class).single() == 0L;
    }

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
