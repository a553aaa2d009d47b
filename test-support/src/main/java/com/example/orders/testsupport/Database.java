package com.example.orders.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The test's own hands on the orders database: read what the services wrote, recreate it empty, kill
 * the services' connections. Each call opens its own short connection (a fault may kill any other);
 * the static forms run on a connection the caller holds.
 */
public final class Database {

    private final String url;
    private final String user;
    private final String password;

    public Database(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    public Connection connection() throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }

    public String name() {
        return url.substring(url.lastIndexOf('/') + 1).replaceAll("\\?.*", "");
    }

    public <T> List<T> query(String sql, RowMapper<T> mapper, Object... params) {
        try (Connection connection = connection()) {
            return query(connection, sql, mapper, params);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    public long count(String sql, Object... params) {
        return query(sql, rs -> rs.getLong(1), params).get(0);
    }

    public int update(String sql, Object... params) {
        try (Connection connection = connection()) {
            return update(connection, sql, params);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    public static <T> List<T> query(Connection connection, String sql, RowMapper<T> mapper, Object... params)
            throws SQLException {
        try (PreparedStatement statement = prepare(connection, sql, params);
                ResultSet rs = statement.executeQuery()) {
            List<T> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(mapper.map(rs));
            }
            return rows;
        }
    }

    /** The first column of the first row, as text. */
    public static String single(Connection connection, String sql, Object... params) throws SQLException {
        return query(connection, sql, rs -> rs.getString(1), params).get(0);
    }

    public static int update(Connection connection, String sql, Object... params) throws SQLException {
        try (PreparedStatement statement = prepare(connection, sql, params)) {
            return statement.executeUpdate();
        }
    }

    private static PreparedStatement prepare(Connection connection, String sql, Object... params) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            statement.setObject(i + 1, params[i]);
        }
        return statement;
    }

    /** Drops and creates the database: a run starts from nothing (order-service applies the schema). */
    public void recreate() {
        String server = url.substring(0, url.lastIndexOf('/') + 1);
        try (var connection = DriverManager.getConnection(server, user, password);
                var statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS `" + name() + "`");
            statement.execute("CREATE DATABASE `" + name() + "`");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot recreate " + name(), e);
        }
    }

    /**
     * Kills every other connection to this database (the server and every other database stay up).
     * Returns how many were killed.
     */
    public int killConnections() {
        try (Connection connection = connection();
                var statement = connection.createStatement()) {
            List<Long> ids = query(
                    connection,
                    "SELECT id FROM information_schema.processlist WHERE db = ? AND id <> CONNECTION_ID()",
                    rs -> rs.getLong(1),
                    name());
            int killed = 0;
            for (long id : ids) {
                try {
                    statement.execute("KILL CONNECTION " + id);
                    killed++;
                } catch (SQLException gone) {
                    // it closed on its own meanwhile
                }
            }
            return killed;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot kill the connections to " + name(), e);
        }
    }

    /** True while some transaction (the worker's expiry, a cancel) holds the order's row lock. */
    public boolean orderRowLockedByAnotherTransaction(String orderId) throws SQLException {
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
