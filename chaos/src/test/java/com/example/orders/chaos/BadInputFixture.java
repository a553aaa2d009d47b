package com.example.orders.chaos;

import com.example.orders.testsupport.Api;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What the bad-input suites share: one running stack, its API, a few products with plenty of stock,
 * and the checks that nothing was half-written.
 */
final class BadInputFixture {

    static final List<String> SKUS = List.of("bad-a", "bad-b", "bad-c");
    static final int STOCK = 1_000_000_000;

    private static BadInputFixture instance;

    final Api api;
    private final Stack stack;

    private BadInputFixture(Stack stack) {
        this.stack = stack;
        this.api = stack.api();
        for (String sku : SKUS) {
            api.ensureProduct(sku, "Bad " + sku, 250, STOCK);
        }
    }

    /** The fixture on the running bad-input stack; a new one if a chaos scenario replaced that stack. */
    static synchronized BadInputFixture get() {
        Stack stack = Stack.shared();
        if (instance == null || instance.stack != stack) {
            instance = new BadInputFixture(stack);
        }
        return instance;
    }

    /** A counter of the worker's Prometheus endpoint, summed over matching series; 0 before it exists. */
    static double workerMetric(String series) {
        return get().api.workerMetric(series);
    }

    static long orderCount() {
        return Settings.db().count("SELECT COUNT(*) FROM orders");
    }

    /** Orders without items, or items without an order: a write that stopped half-way. */
    static long halfWrittenOrders() {
        return Settings.db()
                        .count("SELECT COUNT(*) FROM orders o WHERE NOT EXISTS "
                                + "(SELECT 1 FROM order_item i WHERE i.order_id = o.id)")
                + Settings.db()
                        .count("SELECT COUNT(*) FROM outbox x WHERE x.event_type = 'OrderCreated' AND NOT EXISTS "
                                + "(SELECT 1 FROM orders o WHERE o.id = JSON_VALUE(x.payload, '$.orderId'))");
    }

    /**
     * Stock of the fixture's skus plus what PENDING and PAID orders hold: constant whatever is ordered.
     * One statement, so that an expiry committing meanwhile cannot be seen half (stock back, order still
     * PENDING).
     */
    static long stockAndHeld() {
        return Settings.db().count("""
                SELECT (SELECT SUM(stock) FROM product WHERE sku IN ('bad-a', 'bad-b', 'bad-c'))
                     + (SELECT COALESCE(SUM(i.quantity), 0) FROM order_item i JOIN orders o ON o.id = i.order_id
                        WHERE o.status IN ('PENDING', 'PAID') AND i.sku IN ('bad-a', 'bad-b', 'bad-c'))
                """);
    }

    static String pathSegment(String raw) {
        return URLEncoder.encode(raw, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
