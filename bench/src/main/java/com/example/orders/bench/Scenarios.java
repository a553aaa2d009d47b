package com.example.orders.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Scenarios 2 (burst), 4 (hot sku) and 5 (ceiling): bursts through the stack next to the JDBC ceiling. */
final class Scenarios {

    private Scenarios() {}

    static Map<String, Object> ceiling(Run run, Stack stack) throws Exception {
        Options o = run.options;
        int orders = o.integer("ceiling-orders", 5000);
        List<Integer> threads = Arrays.stream(o.get("ceiling-threads", "4,8").split(","))
                .map(String::trim)
                .map(Integer::parseInt)
                .toList();
        Map<String, Object> ceiling = new Ceiling(stack).run(orders, threads, 1000);
        run.details.put("ceiling", ceiling);
        run.put("ceilingOrdersPerSecond", ceiling.get("ordersPerSecond"));
        return ceiling;
    }

    /** Scenario 2: N orders over S skus, all due at one instant; throughput as a ratio of the ceiling. */
    static void burst(Run run, Stack stack) throws Exception {
        Options o = run.options;
        int n = o.integer("orders", 20_000);
        int skus = o.integer("skus", 1000);
        double ceiling = (Double) ceiling(run, stack).get("ordersPerSecond");
        Map<String, Object> burst = Burst.phase(run, stack, "burst", n, skus, o.integer("create-concurrency", 16));
        summarize(run, "burst", burst, ceiling);
        run.put("target: throughput >= 0.9 x ceiling", ratio(burst, ceiling) >= 0.9);
    }

    /** Scenario 4: the same number of orders spread over 1,000 skus, then all on one sku. */
    static void hot(Run run, Stack stack) throws Exception {
        Options o = run.options;
        int n = o.integer("orders", 5000);
        int concurrency = o.integer("create-concurrency", 16);
        double ceiling = (Double) ceiling(run, stack).get("ordersPerSecond");
        Map<String, Object> spread = Burst.phase(run, stack, "spread", n, o.integer("skus", 1000), concurrency);
        Map<String, Object> hot = Burst.phase(run, stack, "hot", n, 1, concurrency);
        summarize(run, "spread", spread, ceiling);
        summarize(run, "hot", hot, ceiling);
        double factor = (Double) hot.get("drainMs") / (Double) spread.get("drainMs");
        run.put("hotDrainOverSpreadDrain", factor);
        Map<?, ?> metrics = (Map<?, ?>) hot.get("workerMetricsDelta");
        run.put("hotStockConflicts", metrics.get("orders_expiry_stock_conflicts_total"));
        run.put("hotRepublished", metrics.get("orders_expiry_republished_total"));
        run.put("hotDeadLettered", metrics.get("orders_expiry_dead_lettered_total"));
        run.put("hotDeadLetterQueueDepth", hot.get("deadLetterQueueDepth"));
        run.put(
                "target: 0 dead letters",
                ((Number) metrics.get("orders_expiry_dead_lettered_total")).doubleValue() == 0
                        && ((Number) hot.get("deadLetterQueueDepth")).longValue() == 0);
        run.put("target: hot drain <= 3 x spread drain", factor <= 3);
    }

    private static void summarize(Run run, String label, Map<String, Object> phase, double ceiling) {
        run.details.put(label, phase);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("orders", phase.get("placed"));
        s.put("allExpired", phase.get("allExpired"));
        s.put("stockConserved", phase.get("stockConserved"));
        s.put("drainMs", phase.get("drainMs"));
        s.put("ordersPerSecond", phase.get("ordersPerSecond"));
        s.put("ratioToCeiling", ratio(phase, ceiling));
        s.put("lateness", phase.get("lateness"));
        run.put(label, s);
    }

    private static double ratio(Map<String, Object> phase, double ceiling) {
        return (Double) phase.get("ordersPerSecond") / ceiling;
    }
}
