package com.example.orders.expiry;

import com.example.orders.ExpiryProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Gives stock back under an optimistic lock, inside the caller's READ COMMITTED transaction.
 *
 * <p>Each attempt reads the row's <em>current</em> committed version and writes only if it is still
 * that version. READ COMMITTED matters: under REPEATABLE READ the re-read would return the
 * transaction's first snapshot and every retry would fail again, the flaw of the original system.
 */
@Component
class StockRestorer {

    private static final String VERSION = "SELECT version FROM product WHERE sku = :sku";

    private static final String GIVE_BACK = """
            UPDATE product SET stock = stock + :quantity, version = version + 1, updated_at = NOW(3)
            WHERE sku = :sku AND version = :version
            """;

    private final JdbcClient jdbc;
    private final int attempts;
    private final Counter conflicts;

    StockRestorer(JdbcClient jdbc, ExpiryProperties properties, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.attempts = properties.stockAttempts();
        this.conflicts = meters.counter("orders.expiry.stock.conflicts");
    }

    /** Restores every item, in the given (sku) order; throws after the last failed attempt on any item. */
    void restore(List<ExpiryRepository.Item> items) {
        for (ExpiryRepository.Item item : items) {
            restore(item);
        }
    }

    /**
     * The first attempt uses the version read with the items, just before; each later attempt re-reads
     * the row's current committed version.
     */
    private void restore(ExpiryRepository.Item item) {
        for (int attempt = 1; attempt <= attempts; attempt++) {
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
                return;
            }
            conflicts.increment();
        }
        throw new StockConflictException(item.sku(), attempts);
    }
}
