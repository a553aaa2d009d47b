package com.example.orders.expiry.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;

/**
 * Gives stock back under an optimistic lock, inside the caller's READ COMMITTED transaction: once per
 * sku (a batch passes each sku's summed quantity), skus in sorted order, so two transactions never
 * take product rows in opposite orders.
 *
 * <p>The first attempt uses the version read with the items, just before, and sends every sku's
 * compare-and-set in one JDBC batch (one round trip with {@code rewriteBatchedStatements}; the per-row
 * counts say which skus lost). Each later attempt re-reads the row's <em>current</em> committed
 * version: under REPEATABLE READ the re-read would return the transaction's first snapshot and every
 * retry would fail again, the flaw of the original system.
 */
final class StockStatements {

    private static final String VERSION = "SELECT version FROM product WHERE sku = ?";

    private static final String GIVE_BACK = """
            UPDATE product SET stock = stock + ?, version = version + 1, updated_at = NOW(3)
            WHERE sku = ? AND version = ?""";

    private final int attempts;
    private final Runnable onConflict;

    StockStatements(int attempts, Runnable onConflict) {
        this.attempts = attempts;
        this.onConflict = onConflict;
    }

    /** Restores every sku; throws {@link StockConflictException} after the last failed attempt on any. */
    void restore(Connection c, SortedMap<String, Restore> skus) throws SQLException {
        if (skus.isEmpty()) {
            return;
        }
        List<Restore> lost = new ArrayList<>();
        try (PreparedStatement give = c.prepareStatement(GIVE_BACK)) {
            for (Restore r : skus.values()) {
                bind(give, r, r.versionRead());
                give.addBatch();
            }
            int[] written = give.executeBatch();
            int i = 0;
            for (Restore r : skus.values()) {
                if (written[i++] != 1) {
                    lost.add(r);
                }
            }
        }
        for (Restore r : lost) {
            retry(c, r);
        }
    }

    private void retry(Connection c, Restore r) throws SQLException {
        onConflict.run();
        for (int attempt = 2; attempt <= attempts; attempt++) {
            long version;
            try (PreparedStatement read = c.prepareStatement(VERSION)) {
                read.setString(1, r.sku());
                try (ResultSet rs = read.executeQuery()) {
                    if (!rs.next()) {
                        throw new SQLException("product " + r.sku() + " is gone");
                    }
                    version = rs.getLong(1);
                }
            }
            try (PreparedStatement give = c.prepareStatement(GIVE_BACK)) {
                bind(give, r, version);
                if (give.executeUpdate() == 1) {
                    return;
                }
            }
            onConflict.run();
        }
        throw new StockConflictException(r.sku(), attempts);
    }

    private static void bind(PreparedStatement give, Restore r, long version) throws SQLException {
        give.setLong(1, r.quantity());
        give.setString(2, r.sku());
        give.setLong(3, version);
    }

    /** One sku's quantity to give back, with the version read for the first attempt. */
    record Restore(String sku, long quantity, long versionRead) {

        Restore plus(long more) {
            return new Restore(sku, quantity + more, versionRead);
        }
    }
}
