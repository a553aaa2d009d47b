package com.example.orders.order;

import com.example.orders.product.ProductRepository;
import com.example.orders.web.ConflictException;
import com.example.orders.web.NotFoundException;
import java.time.LocalDateTime;
import java.util.Comparator;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Takes the stock of every line of an order inside the caller's transaction, all or nothing.
 *
 * <p>Each line is one guarded decrement ({@code ... WHERE stock >= quantity}): the check and the
 * write are one statement, so two orders can never both take the last unit. Lines are taken in sku
 * order, the same order the expiry worker gives stock back in, so concurrent transactions lock
 * product rows in one order and cannot deadlock each other. The statements are
 * {@link ProductRepository}'s, the owner of the product table.
 */
@Component
class StockReservation {

    private final ProductRepository products;

    StockReservation(ProductRepository products) {
        this.products = products;
    }

    /**
     * The lines taken, priced, and the database's clock as it priced them (UTC): the order's
     * {@code created_at}.
     */
    record Reserved(List<Order.Item> items, LocalDateTime now) {}

    /** Reserves every line and returns them priced; throws (and the caller rolls back) if any cannot be. */
    Reserved reserve(List<OrderRequest.Line> lines) {
        List<OrderRequest.Line> sorted = lines.stream()
                .sorted(Comparator.comparing(OrderRequest.Line::sku))
                .toList();
        for (OrderRequest.Line line : sorted) {
            if (!products.take(line.sku(), line.quantity())) {
                throw whyNot(line);
            }
        }
        ProductRepository.Prices prices =
                products.prices(sorted.stream().map(OrderRequest.Line::sku).toList());
        List<Order.Item> items = sorted.stream()
                .map(line -> new Order.Item(
                        line.sku(), line.quantity(), prices.bySku().get(line.sku())))
                .toList();
        return new Reserved(items, prices.now());
    }

    private RuntimeException whyNot(OrderRequest.Line line) {
        return products.stock(line.sku())
                .<RuntimeException>map(stock -> new ConflictException(
                        "insufficient-stock",
                        "Not enough stock",
                        "Only %d of %s left, %d asked".formatted(stock, line.sku(), line.quantity())))
                .orElseGet(() -> new NotFoundException("product", line.sku()));
    }
}
