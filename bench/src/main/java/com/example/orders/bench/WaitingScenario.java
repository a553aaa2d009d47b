package com.example.orders.bench;

import com.example.orders.testsupport.Api;
import com.example.orders.testsupport.Metrics;
import com.example.orders.testsupport.Rabbitmqctl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scenario 8: many orders waiting at once. {@code --orders} (200,000) are placed as fast as
 * order-service takes them from {@code --create-concurrency} clients, none paid; each carries its own
 * payment window so that all of them fall due between {@code --first-due-seconds} after the first
 * order and {@code --due-seconds} later, evenly. Before the first falls due every order is waiting
 * (the peak is read from the database, not assumed); the broker's memory is read before, at the peak
 * and after. Every order must then be expired by its own message (sweep 0) with lateness p99 <= 250 ms.
 */
final class WaitingScenario {

    private WaitingScenario() {}

    static void run(Run run, Stack stack) throws Exception {
        Options o = run.options;
        int n = o.integer("orders", 200_000);
        int skus = o.integer("skus", 1000);
        int concurrency = o.integer("create-concurrency", 32);
        long firstDueMs = o.integer("first-due-seconds", 720) * 1000L;
        long spreadMs = o.integer("due-seconds", 180) * 1000L;
        long stock = n / skus + 100;
        Api api = stack.api();
        for (int k = 0; k < skus; k++) {
            api.ensureProduct("wait-sku-" + k, 100, stock);
        }
        Rabbitmqctl ctl = new Rabbitmqctl(stack.rabbitmqctl);
        long rabbit = stack.rabbitPid();
        Map<String, Object> memory = new LinkedHashMap<>();
        memory.put("before", brokerMemory(ctl, rabbit));
        String before = api.scrape(stack.workerUrl);
        String since;
        try (var db = stack.db()) {
            since = Db.now(db);
        }
        Cpu cpu = Cpu.everyProcess(stack);
        Map<String, Double> cpuStart = cpu.seconds();
        List<double[]> rss = new ArrayList<>(); // seconds since the first order, broker RSS in MiB
        long start = System.nanoTime();
        var sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(
                () -> rss.add(new double[] {(System.nanoTime() - start) / 1e9, residentKiB(rabbit) / 1024.0}),
                0,
                5,
                TimeUnit.SECONDS);

        Semaphore inFlight = new Semaphore(concurrency);
        AtomicInteger created = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicLong tooLate = new AtomicLong(); // placed after its slot's deadline had come too close
        for (int i = 0; i < n; i++) {
            inFlight.acquire();
            long deadline = firstDueMs + spreadMs * i / n; // ms after start
            long window = deadline - (System.nanoTime() - start) / 1_000_000;
            if (window < 5_000) {
                tooLate.incrementAndGet();
                window = 5_000;
            }
            api.sendAsync(api.orderRequest("wait-" + i, "wait-sku-" + i % skus, Duration.ofMillis(window)))
                    .whenComplete((r, e) -> {
                        if (e == null && r.status() == 201) {
                            created.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                        }
                        inFlight.release();
                    });
        }
        inFlight.acquire(concurrency);
        double placingSeconds = (System.nanoTime() - start) / 1e9;
        Map<String, Double> cpuPlaced = cpu.seconds();

        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("ordersPlaced", created.get());
        figures.put("createFailures", failed.get());
        figures.put("placedTooLateForTheirSlot", tooLate.get());
        figures.put("placingSeconds", placingSeconds);
        figures.put("placedPerSecond", created.get() / placingSeconds);
        figures.put(
                "dueOverSeconds",
                firstDueMs / 1000.0 + "-" + (firstDueMs + spreadMs) / 1000.0 + " after the first order");
        figures.put("cpuMsPerOrderPlacing", Cpu.msPerUnit(cpuStart, cpuPlaced, created.get()));

        // Hold until just before the first falls due: every order waits now.
        long peakAt = firstDueMs - 3_000;
        long untilPeak = peakAt - (System.nanoTime() - start) / 1_000_000;
        if (untilPeak > 0) {
            Thread.sleep(untilPeak);
        }
        Map<String, Double> cpuHeld = cpu.seconds();
        double heldSeconds = (System.nanoTime() - start) / 1e9 - placingSeconds;
        try (var db = stack.db()) {
            figures.put("waitingAtPeak", Db.count(db, "wait-", "PENDING"));
        }
        memory.put("atPeak", brokerMemory(ctl, rabbit));
        memory.put("workQueueAtPeak", workQueue(ctl, stack));
        figures.put("holdingSeconds", heldSeconds);
        figures.put("cpuPercentOfOneCoreWhileHolding", Cpu.percent(cpuPlaced, cpuHeld, heldSeconds));

        try (var db = stack.db()) {
            long end = System.nanoTime() + (spreadMs + 300_000) * 1_000_000L;
            while (System.nanoTime() < end && Db.count(db, "wait-", "PENDING") > 0) {
                Thread.sleep(5_000);
            }
            Map<String, Double> cpuEnd = cpu.seconds();
            sampler.shutdownNow();
            Thread.sleep(1_500); // the worker's counters settle before the scrape
            String after = api.scrape(stack.workerUrl);
            memory.put("after", brokerMemory(ctl, rabbit));
            List<Db.Closed> closed = Db.expired(db, "wait-", since);
            Map<String, Object> lateness = Lateness.summary(closed);
            double rescued = Metrics.sum(after, "orders_expiry_sweep_rescued_total")
                    - Metrics.sum(before, "orders_expiry_sweep_rescued_total");
            double byMessage = Metrics.sum(after, "orders_expired_total{trigger=\"message\"}")
                    - Metrics.sum(before, "orders_expired_total{trigger=\"message\"}");
            figures.put("statuses", Db.statusCounts(db, "wait-"));
            figures.put("lateness", lateness);
            figures.put("expiredByMessage", byMessage);
            figures.put("sweepRescued", rescued);
            figures.put(
                    "stockConserved",
                    Db.conservationViolations(db, "wait-sku-", stock).isEmpty());
            figures.put("brokerMemory", memory);
            double expiring = (System.nanoTime() - start) / 1e9 - placingSeconds - heldSeconds;
            figures.put(
                    "cpuMsPerExpiredOrderWhileExpiring", Cpu.msPerUnit(cpuHeld, cpuEnd, Math.max(1, closed.size())));
            figures.put("cpuPercentOfOneCoreWhileExpiring", Cpu.percent(cpuHeld, cpuEnd, expiring));
            figures.put("cpuMsPerOrder", Cpu.msPerUnit(cpuStart, cpuEnd, Math.max(1, closed.size())));
            boolean all = closed.size() == created.get() && created.get() == n;
            figures.put("target: " + n + " waiting at once", ((Number) figures.get("waitingAtPeak")).longValue() == n);
            figures.put(
                    "target: every order expired by its own message (sweep 0)", all && rescued == 0 && byMessage >= n);
            figures.put("target: lateness p99 <= 250 ms", all && (Double) lateness.get("p99Ms") <= 250);
            run.charts.add(new Chart(
                            "waiting: lateness of each expired order by when it closed",
                            "seconds since the first order",
                            "lateness (ms)")
                    .dots("lateness", Lateness.overTime(closed)));
            run.charts.add(new Chart("waiting: the broker's resident memory", "seconds since the first order", "MiB")
                    .dots("RSS", rss));
        }
        figures.forEach(run::put);
    }

    /** The broker's resident set (from /proc) and what the Erlang VM says it allocated, in MiB. */
    private static Map<String, Object> brokerMemory(Rabbitmqctl ctl, long pid) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("residentMiB", residentKiB(pid) / 1024.0);
        try {
            m.put(
                    "erlangTotalMiB",
                    Long.parseLong(ctl.run("-q", "eval", "erlang:memory(total).")
                                    .trim())
                            / 1048576.0);
        } catch (RuntimeException e) {
            m.put("erlangTotalMiB", "unknown: " + e.getMessage().strip());
        }
        return m;
    }

    /** The work queue's counts and memory as the broker lists them (parked = messages - ready - unacked on 4.3). */
    private static String workQueue(Rabbitmqctl ctl, Stack stack) {
        try {
            return ctl.run(
                            "-q",
                            "list_queues",
                            "-p",
                            "orders-bench",
                            "--no-table-headers",
                            "name",
                            "type",
                            "messages",
                            "messages_ready",
                            "messages_unacknowledged",
                            "memory")
                    .lines()
                    .filter(line -> line.startsWith("orders.expiry"))
                    .collect(java.util.stream.Collectors.joining("; "));
        } catch (RuntimeException e) {
            return "unknown: " + e.getMessage().strip();
        }
    }

    private static long residentKiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (Exception e) {
            // the broker is gone: reported as 0
        }
        return 0;
    }
}
