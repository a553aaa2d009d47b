package com.example.orders.expiry.jdbc;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * A statement with an {@code IN (...)} list of ids. The list is padded up to the next power of two by
 * repeating the last id (a duplicate in {@code IN} changes nothing), so a batch of any size uses one of
 * a handful of statement texts and Connector/J's statement cache keeps every one of them parsed.
 */
final class InList {

    private final String template;
    private final String[] texts = new String[17];

    /** {@code template} holds one {@code %s} where the placeholders go. */
    InList(String template) {
        this.template = template;
    }

    /** The statement text for {@code n} ids. */
    String sql(int n) {
        int exponent = exponent(n);
        if (exponent >= texts.length) {
            return template.formatted(placeholders(n));
        }
        String text = texts[exponent];
        if (text == null) {
            text = template.formatted(placeholders(1 << exponent));
            texts[exponent] = text; // a benign race: every thread computes the same text
        }
        return text;
    }

    /** Binds the ids from parameter 1 on, padded with the last one to the size of {@link #sql}'s text. */
    static void bind(PreparedStatement statement, List<String> ids) throws SQLException {
        int exponent = exponent(ids.size());
        int size = exponent >= 17 ? ids.size() : 1 << exponent;
        for (int i = 0; i < size; i++) {
            statement.setString(1 + i, ids.get(Math.min(i, ids.size() - 1)));
        }
    }

    private static int exponent(int n) {
        return 32 - Integer.numberOfLeadingZeros(Math.max(1, n) - 1);
    }

    private static String placeholders(int n) {
        return "?" + ",?".repeat(n - 1);
    }
}
