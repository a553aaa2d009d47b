package com.example.orders.bench;

import com.example.orders.testsupport.Api;
import com.example.orders.testsupport.Metrics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;

/**
 * Scenario 1: POST /api/orders at increasing concurrency (closed loop: each client sends its next
 * order when the last is answered), one item on one of 1,000 skus; orders/s and p50/p99/p99.9 per
 * step, CPU of order-service, the database and the broker per step, and the knee.
 */
final class CreateScenario {

    private CreateScenario() {}

    static void run(Run run, Stack stack) throws Exception {
        Options o = run.options;
        int skus = o.integer("skus", 1000);
        int stepSeconds = o.integer("step-seconds", 15);
        int warmupSeconds = o.integer("warmup-seconds", 10);
        List<Integer> steps = Arrays.stream(
                        o.get("concurrency", "1,2,4,8,16,32,64").split(","))
                .map(String::trim)
                .map(Integer::parseInt)
                .toList();
        Api api = stack.api();
        for (int i = 0; i < skus; i++) {
            api.ensureProduct("sku-" + i, 100, 100_000_000);
        }
        Cpu cpu = new Cpu()
                .watch("order-service", stack.orderServicePid())
                .watch("mariadbd", Cpu.pidOf("mariadbd"))
                .watch("rabbitmq", Cpu.pidOf("beam.smp"));
        step(api, 8, warmupSeconds, skus, "warmup-", cpu); // JIT, connection pools
        List<Map<String, Object>> results = new ArrayList<>();
        List<Double> throughputs = new ArrayList<>();
        Chart latency = new Chart("create: latency per concurrency step", "concurrent clients", "latency (ms)");
        List<double[]> p50 = new ArrayList<>();
        List<double[]> p99 = new ArrayList<>();
        List<double[]> p999 = new ArrayList<>();
        List<double[]> rate = new ArrayList<>();
        for (int concurrency : steps) {
            Map<String, Object> step = step(api, concurrency, stepSeconds, skus, "c" + concurrency + "-", cpu);
            step.put("outboxBacklogAfter", Metrics.sum(api.scrape(stack.orderUrl), "orders_outbox_backlog"));
            step.put("loadAverage1m", Machine.load().get(0));
            results.add(step);
            double perSecond = (Double) step.get("ordersPerSecond");
            throughputs.add(perSecond);
            p50.add(new double[] {concurrency, (Double) step.get("p50Ms")});
            p99.add(new double[] {concurrency, (Double) step.get("p99Ms")});
            p999.add(new double[] {concurrency, (Double) step.get("p99.9Ms")});
            rate.add(new double[] {concurrency, perSecond});
            System.out.printf("create: %s%n", step);
        }
        int knee = Knee.index(throughputs, 0.05);
        run.put("kneeConcurrency", steps.get(knee));
        run.put("kneeOrdersPerSecond", throughputs.get(knee));
        run.put("kneeP99Ms", results.get(knee).get("p99Ms"));
        run.put(
                "maxOrdersPerSecond",
                throughputs.stream().mapToDouble(d -> d).max().orElse(0));
        run.put("stillRisingAtLastStep", Knee.stillRising(throughputs, knee));
        run.put("steps", results);
        run.charts.add(latency.line("p50", p50).line("p99", p99).line("p99.9", p999));
        run.charts.add(new Chart("create: throughput per concurrency step", "concurrent clients", "orders/s")
                .line("orders/s", rate));
    }

    private static Map<String, Object> step(Api api, int concurrency, int seconds, int skus, String prefix, Cpu cpu)
            throws Exception {
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger sequence = new AtomicInteger();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        List<Future<Histogram>> done = new ArrayList<>();
        Map<String, Double> cpuBefore = cpu.seconds();
        long start = System.nanoTime();
        for (int t = 0; t < concurrency; t++) {
            done.add(pool.submit(() -> {
                Histogram mine = new Histogram(60_000_000L, 3);
                int sent = 0;
                while (System.nanoTime() < end && sent++ < 1_000_000) {
                    int i = sequence.getAndIncrement();
                    long t0 = System.nanoTime();
                    Api.Response r =
                            api.exchange(api.orderRequest(prefix + i, List.of("sku-" + Math.floorMod(i * 7919, skus))));
                    if (r.status() == 201) {
                        mine.recordValue(Math.min((System.nanoTime() - t0) / 1000, 60_000_000L));
                    } else {
                        errors.incrementAndGet();
                    }
                }
                return mine;
            }));
        }
        Histogram all = new Histogram(60_000_000L, 3);
        for (Future<Histogram> f : done) {
            all.add(f.get(seconds + 120, TimeUnit.SECONDS));
        }
        double wall = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        Map<String, Object> step = new LinkedHashMap<>();
        step.put("concurrency", concurrency);
        step.put("orders", all.getTotalCount());
        step.put("errors", errors.get());
        step.put("ordersPerSecond", all.getTotalCount() / wall);
        step.put("p50Ms", all.getValueAtPercentile(50) / 1000.0);
        step.put("p99Ms", all.getValueAtPercentile(99) / 1000.0);
        step.put("p99.9Ms", all.getValueAtPercentile(99.9) / 1000.0);
        step.put("maxMs", all.getMaxValue() / 1000.0);
        step.put("cpuPercentOfOneCore", Cpu.percent(cpuBefore, cpu.seconds(), wall));
        return step;
    }
}
