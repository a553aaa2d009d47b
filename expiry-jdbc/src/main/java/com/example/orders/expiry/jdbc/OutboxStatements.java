package com.example.orders.expiry.jdbc;

import com.example.orders.contracts.OrderExpired;
import com.example.orders.contracts.Topology;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Function;

/** Writes {@code OrderExpired} events to order-service's outbox: all of a transaction's in one INSERT. */
final class OutboxStatements {

    private static final String INSERT =
            "INSERT INTO outbox (event_id, event_type, destination, routing_key, payload) VALUES ";
    private static final String ROW =
            "(?, '" + OrderExpired.class.getSimpleName() + "', 'events', '" + Topology.ORDER_EXPIRED_KEY + "', ?)";

    private final Function<OrderExpired, String> payload;

    OutboxStatements(Function<OrderExpired, String> payload) {
        this.payload = payload;
    }

    /** One multi-row INSERT for all the events (the text differs only by the number of rows). */
    void append(Connection c, List<OrderExpired> events) throws SQLException {
        if (events.isEmpty()) {
            return;
        }
        StringBuilder sql = new StringBuilder(INSERT.length() + events.size() * (ROW.length() + 1));
        sql.append(INSERT).append(ROW);
        for (int i = 1; i < events.size(); i++) {
            sql.append(',').append(ROW);
        }
        try (PreparedStatement insert = c.prepareStatement(sql.toString())) {
            int p = 1;
            for (OrderExpired event : events) {
                insert.setString(p++, event.eventId().toString());
                insert.setString(p++, payload.apply(event));
            }
            int written = insert.executeUpdate();
            if (written != events.size()) {
                throw new SQLException("outbox took " + written + " of " + events.size() + " events");
            }
        }
    }
}
