package com.example.orders.chaos;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The chaos run's own hands on {@code orders_chaos}: read what the services wrote, and kill their connections. */
final class Database {

    private Database() {}

    @FunctionalInterface
    interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    static <T> List<T> query(String sql, RowMapper<T> mapper, Object... params) {
        try (Connection connection = connect();
                var statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = statement.executeQuery()) {
                List<T> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(mapper.map(rs));
                }
                return rows;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    static long count(String sql, Object... params) {
        return query(sql, rs -> rs.getLong(1), params).get(0);
    }

    /**
     * The database fault: kills every connection the services hold to {@code orders_chaos} (the
     * server and every other database stay up). Returns how many were killed.
     */
    static int killServiceConnections() {
        try (Connection connection = connect();
                var statement = connection.createStatement()) {
            List<Long> ids = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery(
                    "SELECT id FROM information_schema.processlist WHERE db = '%s' AND id <> CONNECTION_ID()"
                            .formatted(Settings.databaseName()))) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
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
            throw new IllegalStateException("cannot kill the services' connections", e);
        }
    }

    /** Drops and creates {@code orders_chaos}: every scenario starts from nothing. */
    static void recreate() {
        String server = Settings.DB_URL.substring(0, Settings.DB_URL.lastIndexOf('/') + 1);
        try (var connection = DriverManager.getConnection(server, Settings.DB_USER, Settings.DB_PASSWORD);
                var statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS `" + Settings.databaseName() + "`");
            statement.execute("CREATE DATABASE `" + Settings.databaseName() + "`");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot recreate " + Settings.databaseName(), e);
        }
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(Settings.DB_URL, Settings.DB_USER, Settings.DB_PASSWORD);
    }
}
