package com.example.orders.bench;

import com.example.orders.testsupport.Api;
import com.example.orders.testsupport.Metrics;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;

/**
 * Scenario 1: POST /api/orders at increasing concurrency (closed loop: each client sends its next
 * order when the last is answered), one item on one of 1,000 skus; orders/s and p50/p99/p99.9 per
 * step, CPU of every process per step (percent of a core and ms per order), and the knee. Then the
 * orders of the {@code --pay-concurrency} step (32) are paid at that concurrency: payments/s and CPU
 * per payment. Both are set against the same-run create ceiling ({@link CreateCeiling}: the
 * service's own statements over bare JDBC), measured after the warm-up.
 */
final class CreateScenario {

    private CreateScenario() {}

    static void run(Run run, Stack stack) throws Exception {
        Options o = run.options;
        int skus = o.integer("skus", 1000);
        int stepSeconds = o.integer("step-seconds", 15);
        int warmupSeconds = o.integer("warmup-seconds", 10);
        int payConcurrency = o.integer("pay-concurrency", 32);
        List<Integer> steps = Arrays.stream(
                        o.get("concurrency", "1,2,4,8,16,32,64").split(","))
                .map(String::trim)
                .map(Integer::parseInt)
                .toList();
        Api api = stack.api();
        for (int i = 0; i < skus; i++) {
            api.ensureProduct("sku-" + i, 100, 100_000_000);
        }
        Cpu cpu = Cpu.everyProcess(stack);
        // JIT, connection pools: orders, then payments of those orders
        Queue<String> warmupOrders = new ConcurrentLinkedQueue<>();
        step(api, 8, warmupSeconds, n -> create(api, "warmup-", n, skus), 201, warmupOrders, cpu);
        step(api, 8, Math.max(1, warmupSeconds / 2), n -> pay(api, warmupOrders, n), 200, null, cpu);

        Map<String, Object> ceiling = new CreateCeiling(stack, Path.of("order-service", "target", "order-service.jar"))
                .run(o.integer("ceiling-orders", 10_000), o.integer("create-ceiling-threads", 10), skus);
        run.put("createCeiling", ceiling);

        List<Map<String, Object>> results = new ArrayList<>();
        List<Double> throughputs = new ArrayList<>();
        Chart latency = new Chart("create: latency per concurrency step", "concurrent clients", "latency (ms)");
        List<double[]> p50 = new ArrayList<>();
        List<double[]> p99 = new ArrayList<>();
        List<double[]> p999 = new ArrayList<>();
        List<double[]> rate = new ArrayList<>();
        Queue<String> toPay = new ConcurrentLinkedQueue<>();
        Map<String, Object> atPayConcurrency = null;
        for (int concurrency : steps) {
            String prefix = "c" + concurrency + "-";
            Map<String, Object> step = step(
                    api,
                    concurrency,
                    stepSeconds,
                    n -> create(api, prefix, n, skus),
                    201,
                    concurrency == payConcurrency ? toPay : null,
                    cpu);
            step.put("outboxBacklogAfter", Metrics.sum(api.scrape(stack.orderUrl), "orders_outbox_backlog"));
            step.put("loadAverage1m", Machine.load().get(0));
            results.add(step);
            if (concurrency == payConcurrency) {
                atPayConcurrency = step;
            }
            double perSecond = (Double) step.get("perSecond");
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
        double createCeiling = (Double) ((Map<?, ?>) ceiling.get("create")).get("perSecond");
        double payCeiling = (Double) ((Map<?, ?>) ceiling.get("payment")).get("perSecond");
        if (atPayConcurrency != null) {
            double creates = (Double) atPayConcurrency.get("perSecond");
            run.put("createsPerSecondAt" + payConcurrency, creates);
            run.put("createRatioToCeilingAt" + payConcurrency, creates / createCeiling);
            run.put("cpuMsPerCreateAt" + payConcurrency, atPayConcurrency.get("cpuMsPerRequest"));
            run.put("target: create at 32 clients >= 0.5 x create ceiling", creates / createCeiling >= 0.5);
            run.put(
                    "target: order-service <= 1.0 ms CPU per create (closed loop, warm)",
                    orderServiceMs(atPayConcurrency) <= 1.0);
            Map<String, Object> payments =
                    step(api, payConcurrency, stepSeconds, n -> pay(api, toPay, n), 200, null, cpu);
            payments.put("loadAverage1m", Machine.load().get(0));
            System.out.printf("pay: %s%n", payments);
            run.put("payments", payments);
            double paid = (Double) payments.get("perSecond");
            run.put("paymentsPerSecondAt" + payConcurrency, paid);
            run.put("paymentRatioToCeilingAt" + payConcurrency, paid / payCeiling);
            run.put("cpuMsPerPaymentAt" + payConcurrency, payments.get("cpuMsPerRequest"));
            run.put(
                    "target: order-service <= 0.8 ms CPU per payment (closed loop, warm)",
                    orderServiceMs(payments) <= 0.8);
        }
        run.put("steps", results);
        run.charts.add(latency.line("p50", p50).line("p99", p99).line("p99.9", p999));
        run.charts.add(new Chart("create: throughput per concurrency step", "concurrent clients", "orders/s")
                .line("orders/s", rate));
    }

    private static double orderServiceMs(Map<String, Object> step) {
        return ((Number) ((Map<?, ?>) step.get("cpuMsPerRequest")).get("order-service")).doubleValue();
    }

    private static HttpRequest create(Api api, String prefix, int n, int skus) {
        return api.orderRequest(prefix + n, List.of("sku-" + Math.floorMod(n * 7919, skus)));
    }

    /** The next order to pay, or null when there is none left. */
    private static HttpRequest pay(Api api, Queue<String> orders, int n) {
        String id = orders.poll();
        return id == null ? null : api.paymentRequest(id, "pay-" + id);
    }

    /**
     * {@code concurrency} clients send {@code request.apply(n)} (n counts up across clients) until
     * {@code seconds} are over or a request is null; answers other than {@code expected} count as
     * errors. The ids of the orders answered (Location, or the path paid) go to {@code ids}.
     */
    private static Map<String, Object> step(
            Api api,
            int concurrency,
            int seconds,
            IntFunction<HttpRequest> request,
            int expected,
            Queue<String> ids,
            Cpu cpu)
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
                    HttpRequest next = request.apply(sequence.getAndIncrement());
                    if (next == null) {
                        break;
                    }
                    long t0 = System.nanoTime();
                    Api.Response r = api.exchange(next);
                    if (r.status() == expected) {
                        mine.recordValue(Math.min((System.nanoTime() - t0) / 1000, 60_000_000L));
                        if (ids != null) {
                            r.header("Location").ifPresent(l -> ids.add(l.substring(l.lastIndexOf('/') + 1)));
                        }
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
        Map<String, Double> cpuAfter = cpu.seconds();
        Map<String, Object> step = new LinkedHashMap<>();
        step.put("concurrency", concurrency);
        step.put("requests", all.getTotalCount());
        step.put("errors", errors.get());
        step.put("perSecond", all.getTotalCount() / wall);
        step.put("p50Ms", all.getValueAtPercentile(50) / 1000.0);
        step.put("p99Ms", all.getValueAtPercentile(99) / 1000.0);
        step.put("p99.9Ms", all.getValueAtPercentile(99.9) / 1000.0);
        step.put("maxMs", all.getMaxValue() / 1000.0);
        step.put("cpuPercentOfOneCore", Cpu.percent(cpuBefore, cpuAfter, wall));
        step.put("cpuMsPerRequest", Cpu.msPerUnit(cpuBefore, cpuAfter, all.getTotalCount()));
        return step;
    }
}
