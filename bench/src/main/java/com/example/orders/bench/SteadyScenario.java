package com.example.orders.bench;

import com.example.orders.testsupport.Api;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Scenario 3: orders placed at a constant rate (open loop: each is sent at its scheduled moment,
 * whatever the answers to earlier ones), every third one paid right away, the rest left to expire
 * after the short payment timeout. Lateness (closedAt - expiresAt) of every expired order.
 */
final class SteadyScenario {

    private SteadyScenario() {}

    static void run(Run run, Stack stack) throws Exception {
        Options o = run.options;
        int rate = o.integer("rate", 200);
        int seconds = o.integer("seconds", 120);
        int skus = o.integer("skus", 1000);
        int maxInFlight = o.integer("max-in-flight", 512);
        int warmup = o.integer("warmup-seconds", 60);
        int total = rate * seconds;
        long initialStock = total / skus + 100;
        Api api = stack.api();
        for (int k = 0; k < skus; k++) {
            api.ensureProduct("steady-sku-" + k, 100, (int) initialStock);
            api.ensureProduct("warm-sku-" + k, 100, rate * warmup / skus + 100);
        }
        if (warmup > 0) {
            // Same load on other skus and customers, not measured: JIT, pools and connections warm up.
            drive(api, "warm-", rate, rate * warmup, skus, maxInFlight, new Recorder(3), new int[4]);
            Thread.sleep(5_000);
        }
        Recorder createLatency = new Recorder(3);
        String since;
        try (var db = stack.db()) {
            since = Db.now(db);
        }
        int[] counts = new int[4]; // created, create failures, paid, payment failures
        Cpu cpu = Cpu.everyProcess(stack);
        Map<String, Double> viaBefore = delayedVia(api.scrape(stack.orderUrl));
        Map<String, Double> cpuBefore = cpu.seconds();
        long start = System.nanoTime();
        int skipped = drive(api, "steady-", rate, total, skus, maxInFlight, createLatency, counts);
        double sendSeconds = (System.nanoTime() - start) / 1e9;
        Map<String, Double> cpuAfter = cpu.seconds();
        Thread.sleep(1_000); // the relay publishes the last orders' messages
        Map<String, Object> via = new LinkedHashMap<>();
        delayedVia(api.scrape(stack.orderUrl)).forEach((how, n) -> via.put(how, n - viaBefore.getOrDefault(how, 0.0)));
        if (skipped < 0) {
            run.note("some requests were still unanswered 120 s after the last was sent");
            skipped = 0;
        }
        AtomicInteger created = new AtomicInteger(counts[0]);
        AtomicInteger createFailures = new AtomicInteger(counts[1]);
        AtomicInteger paid = new AtomicInteger(counts[2]);
        AtomicInteger payFailures = new AtomicInteger(counts[3]);
        Map<String, Object> figures = new LinkedHashMap<>();
        double brokerMsPerOrder;
        figures.put("intendedRate", rate);
        figures.put("achievedRate", created.get() / sendSeconds);
        figures.put("created", created.get());
        figures.put("createFailures", createFailures.get());
        figures.put("skippedTooManyInFlight", skipped);
        figures.put("paid", paid.get());
        figures.put("paymentFailures", payFailures.get());
        // How the measured orders' expiry messages wait: the payment window's queue (one hop) or the
        // cascade (published more than 100 ms after the order, or another transport).
        figures.put("expiryMessagesVia", via);
        // Creates and payments together (a third of the orders are paid): the bounds, 1.0 ms per
        // create and 0.8 per payment, make 0.95 ms per request at this mix.
        Map<String, Object> perRequest = Cpu.msPerUnit(cpuBefore, cpuAfter, created.get() + paid.get());
        figures.put("cpuMsPerRequest", perRequest);
        figures.put(
                "target: order-service CPU <= 0.95 ms per request (1.0 per create, 0.8 per payment, a third paid)",
                ((Number) perRequest.getOrDefault("order-service", 0)).doubleValue() <= (3 * 1.0 + 0.8) / 4);
        figures.put("cpuPercentOfOneCore", Cpu.percent(cpuBefore, cpuAfter, sendSeconds));
        Histogram latency = createLatency.getIntervalHistogram();
        figures.put("createP50Ms", latency.getValueAtPercentile(50) / 1000.0);
        figures.put("createP99Ms", latency.getValueAtPercentile(99) / 1000.0);
        figures.put("target: create p99 <= 250 ms", latency.getValueAtPercentile(99) / 1000.0 <= 250);
        figures.put("target: 0 payments refused", payFailures.get() == 0);
        figures.put("createMaxMs", latency.getMaxValue() / 1000.0);
        try (var db = stack.db()) {
            long end = System.nanoTime() + 300_000_000_000L;
            while (System.nanoTime() < end && Db.count(db, "steady-", "PENDING") > 0) {
                Thread.sleep(500);
            }
            List<Db.Closed> closed = Db.expired(db, "steady-", since);
            // From the first order to the last expiry (its deadline is 5 s after the last create): every
            // process's CPU per expired order; expiry-worker's is issue 19's <= 0.25 ms per message.
            Map<String, Double> cpuAtEnd = cpu.seconds();
            Map<String, Object> perExpired = Cpu.msPerUnit(cpuBefore, cpuAtEnd, Math.max(1, closed.size()));
            // the broker's CPU per order placed, from the first order to the last expiry: what the floor measures
            brokerMsPerOrder =
                    (cpuAtEnd.get("rabbitmq") - cpuBefore.get("rabbitmq")) * 1000 / Math.max(1, created.get());
            figures.put("cpuMsPerExpiredOrder", perExpired);
            figures.put(
                    "target: expiry-worker CPU <= 0.25 ms per expired order",
                    ((Number) perExpired.getOrDefault("expiry-worker", 0)).doubleValue() <= 0.25);
            Map<String, Object> lateness = Lateness.summary(closed);
            figures.put("statuses", Db.statusCounts(db, "steady-"));
            figures.put("lateness", lateness);
            List<String> wrong = Db.conservationViolations(db, "steady-sku-", initialStock);
            figures.put("stockConserved", wrong.isEmpty());
            figures.put("paidStayedPaid", Db.count(db, "steady-", "PAID") == paid.get());
            figures.put(
                    "target: lateness p99 <= 250 ms",
                    closed.isEmpty() ? false : ((Double) lateness.get("p99Ms")) <= 250);
            figures.put(
                    "target: lateness max <= 1 s", closed.isEmpty() ? false : ((Double) lateness.get("maxMs")) <= 1000);
            run.charts.add(new Chart(
                            "steady: lateness of each expired order by when it closed",
                            "seconds since the first order",
                            "lateness (ms)")
                    .dots("lateness", Lateness.overTime(closed)));
        }
        figures.forEach(run::put);
        if (Boolean.parseBoolean(o.get("floor", "true"))) {
            // The broker's floor in the same run: the same messages at the same rate with the services
            // taken away (the worker stopped, so that the floor's consumer has the work queue to itself).
            stack.stopWorker();
            Map<String, Object> floor = BrokerFloor.measure(o, stack);
            run.put("brokerFloor", floor);
            run.put("brokerCpuMsPerOrder", brokerMsPerOrder);
            run.put("brokerCpuOverFloor", brokerMsPerOrder / (Double) floor.get("brokerCpuMsPerOrder"));
        }
    }

    /** orders_outbox_delayed_total by its via label (window, cascade, plugin, due, ...). */
    private static Map<String, Double> delayedVia(String scrape) {
        Map<String, Double> via = new LinkedHashMap<>();
        var sample = java.util.regex.Pattern.compile(
                        "^orders_outbox_delayed_total\\{.*via=\"([^\"]+)\".*} (\\S+)$",
                        java.util.regex.Pattern.MULTILINE)
                .matcher(scrape);
        while (sample.find()) {
            via.merge(sample.group(1), Double.parseDouble(sample.group(2)), Double::sum);
        }
        return via;
    }

    /** Sends {@code total} orders at {@code rate}/s, paying every third; returns how many were skipped. */
    private static int drive(
            Api api,
            String prefix,
            int rate,
            int total,
            int skus,
            int maxInFlight,
            Recorder createLatency,
            int[] counts)
            throws InterruptedException {
        Semaphore inFlight = new Semaphore(maxInFlight);
        AtomicInteger created = new AtomicInteger();
        AtomicInteger createFailures = new AtomicInteger();
        AtomicInteger paid = new AtomicInteger();
        AtomicInteger payFailures = new AtomicInteger();
        int skipped = 0;
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long due = start + (long) (i * 1e9 / rate);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            if (!inFlight.tryAcquire(1, TimeUnit.SECONDS)) {
                skipped++;
                continue;
            }
            boolean pay = i % 3 == 0;
            int n = i;
            api.sendAsync(api.orderRequest(prefix + i, List.of(prefix + "sku-" + (i % skus))))
                    .whenComplete((r, e) -> {
                        createLatency.recordValue(Math.min((System.nanoTime() - due) / 1000, 60_000_000L));
                        if (e != null || r.status() != 201) {
                            createFailures.incrementAndGet();
                            inFlight.release();
                            return;
                        }
                        created.incrementAndGet();
                        if (!pay) {
                            inFlight.release();
                            return;
                        }
                        api.sendAsync(api.paymentRequest(r.id(), prefix + "pay-" + n))
                                .whenComplete((p, pe) -> {
                                    if (pe == null && p.status() == 200) {
                                        paid.incrementAndGet();
                                    } else {
                                        payFailures.incrementAndGet();
                                    }
                                    inFlight.release();
                                });
                    });
        }
        boolean answered = inFlight.tryAcquire(maxInFlight, 120, TimeUnit.SECONDS);
        counts[0] = created.get();
        counts[1] = createFailures.get();
        counts[2] = paid.get();
        counts[3] = payFailures.get();
        return answered ? skipped : -1;
    }
}
