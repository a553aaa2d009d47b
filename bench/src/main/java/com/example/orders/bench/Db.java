package com.example.orders.bench;

import com.example.orders.testsupport.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the bench reads from the orders themselves, straight from the database. */
final class Db {

    private Db() {}

    /** One closed order: its lateness and when it closed, relative to {@code since}. */
    record Closed(double latenessMs, double closedAtMs) {}

    /** EXPIRED orders of customers starting with {@code prefix}: lateness (closedAt - expiresAt) and closing time. */
    static List<Closed> expired(Connection db, String prefix, String since) throws Exception {
        String sql = """
                SELECT TIMESTAMPDIFF(MICROSECOND, expires_at, closed_at) / 1000.0,
                       TIMESTAMPDIFF(MICROSECOND, ?, closed_at) / 1000.0
                FROM orders WHERE status = 'EXPIRED' AND customer_id LIKE ? ORDER BY closed_at
                """;
        List<Closed> closed = new ArrayList<>();
        try (PreparedStatement s = db.prepareStatement(sql)) {
            s.setString(1, since);
            s.setString(2, prefix + "%");
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    closed.add(new Closed(rs.getDouble(1), rs.getDouble(2)));
                }
            }
        }
        return closed;
    }

    static Map<String, Long> statusCounts(Connection db, String prefix) throws Exception {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (PreparedStatement s = db.prepareStatement(
                "SELECT status, COUNT(*) FROM orders WHERE customer_id LIKE ? GROUP BY status ORDER BY status")) {
            s.setString(1, prefix + "%");
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return counts;
    }

    static long count(Connection db, String prefix, String status) throws Exception {
        return statusCounts(db, prefix).getOrDefault(status, 0L);
    }

    /** The database's clock, formatted for a DATETIME(3) comparison. */
    static String now(Connection db) throws Exception {
        return Database.single(db, "SELECT DATE_FORMAT(NOW(3), '%Y-%m-%d %H:%i:%s.%f')");
    }

    /**
     * Stock conservation for skus starting with {@code skuPrefix}: stock plus the quantities held by
     * PENDING and PAID orders must equal what the bench put in. Returns the skus that do not add up.
     */
    static List<String> conservationViolations(Connection db, String skuPrefix, long initialStock) throws Exception {
        String sql = """
                SELECT p.sku, p.stock + COALESCE((SELECT SUM(i.quantity) FROM order_item i JOIN orders o ON o.id = i.order_id
                                                   WHERE i.sku = p.sku AND o.status IN ('PENDING', 'PAID')), 0)
                FROM product p WHERE p.sku LIKE ?
                """;
        List<String> wrong = new ArrayList<>();
        try (PreparedStatement s = db.prepareStatement(sql)) {
            s.setString(1, skuPrefix + "%");
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    if (rs.getLong(2) != initialStock) {
                        wrong.add(rs.getString(1) + "=" + rs.getLong(2));
                    }
                }
            }
        }
        return wrong;
    }
}
