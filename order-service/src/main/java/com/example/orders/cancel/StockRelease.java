package com.example.orders.cancel;

import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Gives a cancelled order's stock back under the same optimistic lock as expiry-worker's
 * {@code StockRestorer}, inside the caller's READ COMMITTED transaction: each attempt writes only if
 * the row still holds the version read, and each later attempt re-reads the current committed
 * version (under REPEATABLE READ it would see its first snapshot again and never succeed).
 */
@Component
class StockRelease {

    static final int ATTEMPTS = 3;

    private static final String VERSION = "SELECT version FROM product WHERE sku = :sku";

    private static final String GIVE_BACK = """
            UPDATE product SET stock = stock + :quantity, version = version + 1, updated_at = NOW(3)
            WHERE sku = :sku AND version = :version
            """;

    private final JdbcClient jdbc;

    StockRelease(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Gives back every item in the given (sku) order.
     *
     * @return how many optimistic-lock attempts lost
     * @throws StockBusyException after the last failed attempt on any item (the caller rolls back)
     */
    int giveBack(List<CancelRepository.Item> items) {
        int lost = 0;
        for (CancelRepository.Item item : items) {
            lost += giveBack(item);
        }
        return lost;
    }

    private int giveBack(CancelRepository.Item item) {
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            long version = attempt == 1
                    ? item.versionRead()
                    : jdbc.sql(VERSION)
                            .param("sku", item.sku())
                            .query(Long.class)
                            .single();
            int written = jdbc.sql(GIVE_BACK)
                    .param("sku", item.sku())
                    .param("quantity", item.quantity())
                    .param("version", version)
                    .update();
            if (written == 1) {
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
