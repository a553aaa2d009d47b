package com.example.orders.system;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** Read-only checks straight on the database, for what the API does not show. */
final class Database {

    private Database() {}

    static long count(String sql, Object... params) {
        try (Connection connection = DriverManager.getConnection(
                        SystemUnderTest.DB_URL, SystemUnderTest.DB_USER, SystemUnderTest.DB_PASSWORD);
                var statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            try (var rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static Connection connection() throws SQLException {
        return DriverManager.getConnection(
                SystemUnderTest.DB_URL, SystemUnderTest.DB_USER, SystemUnderTest.DB_PASSWORD);
    }

    /** True while some transaction (the worker's expiry, a cancel) holds the order's row lock. */
    static boolean orderRowLockedByAnotherTransaction(String orderId) throws SQLException {
        try (Connection probe = connection()) {
            probe.setAutoCommit(false);
            try (var select = probe.prepareStatement("SELECT status FROM orders WHERE id = ? FOR UPDATE NOWAIT")) {
                select.setString(1, orderId);
                select.executeQuery().close();
                return false;
            } catch (SQLException locked) {
                return true;
            } finally {
                probe.rollback();
            }
        }
    }
}
