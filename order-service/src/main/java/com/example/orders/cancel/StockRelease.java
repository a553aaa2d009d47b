package com.example.orders.cancel;

import com.example.orders.order.OrderRepository;
import com.example.orders.product.ProductRepository;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Gives a cancelled order's stock back under the same optimistic lock as expiry-worker's
 * {@code StockRestorer}, inside the caller's READ COMMITTED transaction: each attempt writes only if
 * the row still holds the version read, and each later attempt re-reads the current committed
 * version (under REPEATABLE READ it would see its first snapshot again and never succeed). The
 * statements are {@link ProductRepository}'s, the owner of the product table.
 */
@Component
class StockRelease {

    static final int ATTEMPTS = 3;

    private final ProductRepository products;

    StockRelease(ProductRepository products) {
        this.products = products;
    }

    /**
     * Gives back every item in the given (sku) order.
     *
     * @return how many optimistic-lock attempts lost
     * @throws StockBusyException after the last failed attempt on any item (the caller rolls back)
     */
    int giveBack(List<OrderRepository.StockedItem> items) {
        int lost = 0;
        for (OrderRepository.StockedItem item : items) {
            lost += giveBack(item);
        }
        return lost;
    }

    private int giveBack(OrderRepository.StockedItem item) {
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            long version = attempt == 1 ? item.versionRead() : products.version(item.sku());
            if (products.giveBack(item.sku(), item.quantity(), version)) {
                return attempt - 1;
            }
        }
        throw new StockBusyException(item.sku());
    }

    /** The stock row changed under every attempt. */
    static final class StockBusyException extends RuntimeException {

        StockBusyException(String sku) {
            super("stock of %s changed under us %d times in a row".formatted(sku, ATTEMPTS));
        }
    }
}
