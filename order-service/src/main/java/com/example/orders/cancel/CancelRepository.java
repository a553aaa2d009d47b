package com.example.orders.cancel;

import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The cancel transaction's statements: the guard and the items it gives back. */
@Repository
class CancelRepository {

    /**
     * The guard: only a PENDING order is cancelled. It races payment and expiry on the order row's
     * lock, each of them one conditional update of the status, so exactly one of them matches.
     */
    private static final String MARK_CANCELLED = """
            UPDATE orders SET status = 'CANCELLED', closed_at = NOW(3) WHERE id = :id AND status = 'PENDING'
            """;

    /**
     * Right after the guard: each item with its product's current committed stock version, the first
     * attempt's read of the optimistic lock (READ COMMITTED), in sku order.
     */
    private static final String ITEMS = """
            SELECT i.sku, i.quantity, p.version
            FROM order_item i JOIN product p ON p.sku = i.sku
            WHERE i.order_id = :id
            ORDER BY i.sku
            """;

    private final JdbcClient jdbc;

    CancelRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    boolean markCancelled(String orderId) {
        return jdbc.sql(MARK_CANCELLED).param("id", orderId).update() == 1;
    }

    List<Item> items(String orderId) {
        return jdbc.sql(ITEMS)
                .param("id", orderId)
                .query((rs, n) -> new Item(rs.getString("sku"), rs.getInt("quantity"), rs.getLong("version")))
                .list();
    }

    /** One line of the order, with the stock version read for the first optimistic-lock attempt. */
    record Item(String sku, int quantity, long versionRead) {}
}
