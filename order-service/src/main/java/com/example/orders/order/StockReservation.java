package com.example.orders.order;

import com.example.orders.web.ConflictException;
import com.example.orders.web.NotFoundException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Takes the stock of every line of an order inside the caller's transaction, all or nothing.
 *
 * <p>Each line is one guarded decrement ({@code ... WHERE stock >= quantity}): the check and the
 * write are one statement, so two orders can never both take the last unit. Lines are taken in sku
 * order, the same order the expiry worker gives stock back in, so concurrent transactions lock
 * product rows in one order and cannot deadlock each other.
 */
@Component
class StockReservation {

    private static final String TAKE = """
            UPDATE product SET stock = stock - :quantity, version = version + 1, updated_at = NOW(3)
            WHERE sku = :sku AND stock >= :quantity
            """;

    private static final String STOCK = "SELECT stock FROM product WHERE sku = :sku";

    private static final String PRICES = "SELECT sku, price_cents FROM product WHERE sku IN (:skus)";

    private final JdbcClient jdbc;

    StockReservation(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Reserves every line and returns them priced; throws (and the caller rolls back) if any cannot be. */
    List<Order.Item> reserve(List<OrderRequest.Line> lines) {
        List<OrderRequest.Line> sorted = lines.stream()
                .sorted(Comparator.comparing(OrderRequest.Line::sku))
                .toList();
        for (OrderRequest.Line line : sorted) {
            int taken = jdbc.sql(TAKE)
                    .param("sku", line.sku())
                    .param("quantity", line.quantity())
                    .update();
            if (taken == 0) {
                throw whyNot(line);
            }
        }
        Map<String, Long> prices = jdbc
                .sql(PRICES)
                .param("skus", sorted.stream().map(OrderRequest.Line::sku).toList())
                .query((rs, n) -> Map.entry(rs.getString("sku"), rs.getLong("price_cents")))
                .list()
                .stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        return sorted.stream()
                .map(line -> new Order.Item(line.sku(), line.quantity(), prices.get(line.sku())))
                .toList();
    }

    private RuntimeException whyNot(OrderRequest.Line line) {
        return jdbc.sql(STOCK)
                .param("sku", line.sku())
                .query(Integer.class)
                .optional()
                .<RuntimeException>map(stock -> new ConflictException(
                        "insufficient-stock",
                        "Not enough stock",
                        "Only %d of %s left, %d asked".formatted(stock, line.sku(), line.quantity())))
                .orElseGet(() -> new NotFoundException("product", line.sku()));
    }
}
