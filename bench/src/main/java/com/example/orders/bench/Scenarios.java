package com.example.orders.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scenarios 2 (burst), 4 (hot sku) and 5 (ceiling): bursts through the stack next to the ceilings of
 * the same run (the worker's own transaction code over plain JDBC, one order per transaction and
 * batched).
 */
final class Scenarios {

    private Scenarios() {}

    /** Both ceilings on {@code skus} skus; returns {single, batched} orders/s. */
    static double[] ceilings(Run run, Stack stack, String label, int skus) throws Exception {
        Options o = run.options;
        int orders = o.integer("ceiling-orders", 10_000);
        int batch = o.integer("ceiling-batch", 100);
        List<Integer> threads = Arrays.stream(o.get("ceiling-threads", "8").split(","))
                .map(String::trim)
                .map(Integer::parseInt)
                .toList();
        Map<String, Object> single = new Ceiling(stack).run(orders, threads, skus, 1);
        Map<String, Object> batched = new Ceiling(stack).run(orders, threads, skus, batch);
        Map<String, Object> both = new LinkedHashMap<>();
        both.put("skus", skus);
        both.put("onePerTransaction", single);
        both.put("batched", batched);
        run.details.put(label, both);
        run.put(label + "OnePerTransactionOrdersPerSecond", single.get("ordersPerSecond"));
        run.put(label + "BatchedOrdersPerSecond", batched.get("ordersPerSecond"));
        return new double[] {(Double) single.get("ordersPerSecond"), (Double) batched.get("ordersPerSecond")};
    }

    static void ceiling(Run run, Stack stack) throws Exception {
        ceilings(run, stack, "ceiling", run.options.integer("skus", 1000));
    }

    /**
     * Scenario 2: N orders over S skus, all due at one instant, with the worker running and warm (a
     * warm-up burst first) and with the worker started only once the burst is due.
     */
    static void burst(Run run, Stack stack) throws Exception {
        Options o = run.options;
        int n = o.integer("orders", 20_000);
        int skus = o.integer("skus", 1000);
        int concurrency = o.integer("create-concurrency", 16);
        double[] ceiling = ceilings(run, stack, "ceiling", skus);
        List<String> modes = List.of(o.get("modes", "running,after-due").split(","));
        int warmup = o.integer("warmup-orders", 5_000);
        if (modes.contains("running") && warmup > 0) {
            run.details.put("warmup", Burst.phase(run, stack, "warmup", warmup, skus, concurrency, false));
        }
        for (String mode : modes) {
            String label = "burst-" + mode.trim();
            Map<String, Object> burst = Burst.phase(
                    run, stack, label, n, skus, concurrency, mode.trim().equals("after-due"));
            summarize(run, label, burst, ceiling);
            Map<?, ?> cpu = (Map<?, ?>) burst.get("cpuMsPerExpiredOrder");
            if (mode.trim().equals("running")) {
                run.put("target: running drain >= 1.0 x one-per-transaction ceiling", ratio(burst, ceiling[0]) >= 1.0);
                run.put(
                        "target: expiry-worker CPU <= 0.25 ms per expired order",
                        ((Number) cpu.get("expiry-worker")).doubleValue() <= 0.25);
            } else {
                run.put(
                        "target: after-due drain (from first expiry) >= 0.8 x one-per-transaction ceiling",
                        (Double) burst.get("ordersPerSecondFromFirstExpiry") / ceiling[0] >= 0.8);
            }
        }
    }

    /** Scenario 4: the same number of orders spread over 1,000 skus, then all on one sku. */
    static void hot(Run run, Stack stack) throws Exception {
        Options o = run.options;
        int n = o.integer("orders", 5000);
        int concurrency = o.integer("create-concurrency", 16);
        double[] spreadCeiling = ceilings(run, stack, "ceiling", o.integer("skus", 1000));
        double[] hotCeiling = ceilings(run, stack, "hotCeiling", 1);
        Map<String, Object> spread = Burst.phase(run, stack, "spread", n, o.integer("skus", 1000), concurrency, false);
        Map<String, Object> hot = Burst.phase(run, stack, "hot", n, 1, concurrency, false);
        summarize(run, "spread", spread, spreadCeiling);
        summarize(run, "hot", hot, hotCeiling);
        double factor = (Double) hot.get("drainMs") / (Double) spread.get("drainMs");
        run.put("hotDrainOverSpreadDrain", factor);
        Map<?, ?> metrics = (Map<?, ?>) hot.get("workerMetricsDelta");
        run.put("hotStockConflicts", metrics.get("orders_expiry_stock_conflicts_total"));
        run.put("hotRepublished", metrics.get("orders_expiry_republished_total"));
        run.put("hotBatchFallbacks", metrics.get("orders_expiry_batch_fallbacks_total"));
        run.put("hotDeadLettered", metrics.get("orders_expiry_dead_lettered_total"));
        run.put("hotDeadLetterQueueDepth", hot.get("deadLetterQueueDepth"));
        run.put(
                "target: 0 dead letters",
                ((Number) metrics.get("orders_expiry_dead_lettered_total")).doubleValue() == 0
                        && ((Number) hot.get("deadLetterQueueDepth")).longValue() == 0);
        run.put("target: hot >= 0.8 x one-per-transaction hot ceiling", ratio(hot, hotCeiling[0]) >= 0.8);
    }

    private static void summarize(Run run, String label, Map<String, Object> phase, double[] ceiling) {
        run.details.put(label, phase);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("orders", phase.get("placed"));
        s.put("worker", phase.get("worker"));
        s.put("allExpired", phase.get("allExpired"));
        s.put("stockConserved", phase.get("stockConserved"));
        s.put("drainMs", phase.get("drainMs"));
        s.put("ordersPerSecond", phase.get("ordersPerSecond"));
        s.put("ordersPerSecondFromFirstExpiry", phase.get("ordersPerSecondFromFirstExpiry"));
        s.put("ratioToOnePerTransactionCeiling", ratio(phase, ceiling[0]));
        s.put("ratioToBatchedCeiling", ratio(phase, ceiling[1]));
        s.put("cpuMsPerExpiredOrder", phase.get("cpuMsPerExpiredOrder"));
        s.put("workerMetricsDelta", phase.get("workerMetricsDelta"));
        s.put("lateness", phase.get("lateness"));
        run.put(label, s);
    }

    private static double ratio(Map<String, Object> phase, double ceiling) {
        return (Double) phase.get("ordersPerSecond") / ceiling;
    }
}
