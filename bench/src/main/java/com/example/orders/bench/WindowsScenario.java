package com.example.orders.bench;

import com.example.orders.contracts.DelayCascade;
import com.example.orders.contracts.Headers;
import com.example.orders.testsupport.Api;
import com.example.orders.testsupport.Metrics;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

/**
 * Scenario 6: mixed delays, the normal case once orders carry their own payment window. Orders are
 * placed at a constant rate, each with a random {@code paymentTimeout} of 2 s to 60 s, none paid;
 * interleaved with them the bench publishes republished retries as the worker's Republisher does
 * (through the cascade, back-offs of 1 s to 30 s, {@code x-expiry-republish-count}) for orders already
 * paid, which the worker receives and acks. Every window order must be expired by its own message
 * (sweep rescues 0) with lateness p99 <= 250 ms and max <= 1 s.
 */
final class WindowsScenario {

    private static final long[] BACK_OFFS = {1_000, 2_000, 4_000, 8_000, 16_000, 30_000};

    private WindowsScenario() {}

    static void run(Run run, Stack stack) throws Exception {
        Options o = run.options;
        int rate = o.integer("rate", 50);
        int seconds = o.integer("seconds", 60);
        int retryRate = o.integer("retry-rate", 50);
        int skus = 100;
        int total = rate * seconds;
        Random random = new Random(o.integer("seed", 6));
        Api api = stack.api();
        for (int k = 0; k < skus; k++) {
            api.ensureProduct("win-sku-" + k, 100, total / skus + 100);
        }
        api.ensureProduct("paid-sku", 100, 1000);
        List<String> paid = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String id = api.exchange(api.orderRequest("paid-" + i, "paid-sku", Duration.ofHours(1)))
                    .id();
            if (api.exchange(api.paymentRequest(id, "paid-pay-" + i)).status() == 200) {
                paid.add(id);
            }
        }
        String before = api.scrape(stack.workerUrl);
        String since;
        try (var db = stack.db()) {
            since = Db.now(db);
        }
        List<CompletableFuture<Api.Response>> placed = new ArrayList<>();
        long retries = 0;
        try (Connection connection = stack.broker()) {
            Channel channel = connection.createChannel();
            channel.confirmSelect();
            long start = System.nanoTime();
            int events = total + retryRate * seconds;
            for (int i = 0, order = 0; i < events; i++) {
                long due = start + (long) (i * 1e9 / (rate + retryRate));
                LockSupport.parkNanos(due - System.nanoTime());
                if (order < total && random.nextInt(rate + retryRate) < rate) {
                    Duration window = Duration.ofMillis(2_000 + random.nextInt(58_001));
                    placed.add(api.sendAsync(api.orderRequest("win-" + order, "win-sku-" + order % skus, window)));
                    order++;
                } else {
                    retries++;
                    String orderId = paid.get(random.nextInt(paid.size()));
                    long backOff = BACK_OFFS[random.nextInt(BACK_OFFS.length)];
                    DelayCascade.Route route = DelayCascade.route(backOff, DelayCascade.EXPIRY_DESTINATION);
                    channel.basicPublish(route.exchange(), route.routingKey(), true, retry(orderId), body(orderId));
                }
            }
            channel.waitForConfirmsOrDie(30_000);
        }
        long created = placed.stream().filter(f -> f.join().status() == 201).count();
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("ordersPlaced", created);
        figures.put("retriesPublished", retries);
        figures.put("windowSeconds", "2-60, uniform");
        try (var db = stack.db()) {
            long end = System.nanoTime() + 180_000_000_000L;
            while (System.nanoTime() < end && Db.count(db, "win-", "PENDING") > 0) {
                Thread.sleep(500);
            }
            Thread.sleep(1_500); // the worker's counters settle before the scrape
            String after = api.scrape(stack.workerUrl);
            List<Db.Closed> closed = Db.expired(db, "win-", since);
            Map<String, Object> lateness = Lateness.summary(closed);
            double rescued = delta(before, after, "orders_expiry_sweep_rescued_total");
            figures.put("statuses", Db.statusCounts(db, "win-"));
            figures.put("lateness", lateness);
            figures.put("sweepRescued", rescued);
            figures.put("expiredByMessage", delta(before, after, "orders_expired_total{trigger=\"message\"}"));
            figures.put("republishedEarly", delta(before, after, "orders_expiry_republished_total{reason=\"early\"}"));
            figures.put("deadLettered", delta(before, after, "orders_expiry_dead_lettered_total"));
            figures.put(
                    "stockConserved",
                    Db.conservationViolations(db, "win-sku-", total / skus + 100)
                            .isEmpty());
            boolean all = closed.size() == created;
            figures.put("target: every order expired by its own message (sweep 0)", all && rescued == 0);
            figures.put("target: lateness p99 <= 250 ms", all && (Double) lateness.get("p99Ms") <= 250);
            figures.put("target: lateness max <= 1 s", all && (Double) lateness.get("maxMs") <= 1000);
            run.charts.add(new Chart(
                            "windows: lateness of each expired order by when it closed",
                            "seconds since the first order",
                            "lateness (ms)")
                    .dots("lateness", Lateness.overTime(closed)));
        }
        figures.forEach(run::put);
    }

    private static double delta(String before, String after, String metric) {
        return Metrics.sum(after, metric) - Metrics.sum(before, metric);
    }

    /** What the worker's Republisher sends after a lock conflict: the order's message, counted. */
    private static AMQP.BasicProperties retry(String orderId) {
        return new AMQP.BasicProperties.Builder()
                .contentType("application/json")
                .deliveryMode(2)
                .messageId(UUID.randomUUID().toString())
                .type("OrderCreated")
                .headers(Map.of(Headers.REPUBLISH_COUNT, 1, Headers.REPUBLISH_REASON, "lock-conflict"))
                .build();
    }

    private static byte[] body(String orderId) {
        return ("{\"schemaVersion\":1,\"eventId\":\"%s\",\"occurredAt\":\"%s\",\"orderId\":\"%s\","
                        + "\"customerId\":\"c\",\"totalCents\":100,\"expiresAt\":\"%s\"}")
                .formatted(UUID.randomUUID(), Instant.now(), orderId, Instant.now())
                .getBytes(StandardCharsets.UTF_8);
    }
}
