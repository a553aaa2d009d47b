package com.example.orders.chaos;

import com.example.orders.testsupport.Api;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A storefront and its customers: orders over a few skus (two hot ones that run short), a share
 * paid at random times before the deadline, a burst paid right at the deadline, some payments
 * repeated with the same paymentId, some made too late, some made twice with different ids; and,
 * independently of the payments, some cancelled by the customer at random times, some right at the
 * deadline (racing the expiry and any payment).
 */
final class Workload {

    private static final List<String> COLD = List.of("cold-a", "cold-b", "cold-c", "cold-d");
    private static final List<String> HOT = List.of("hot-1", "hot-2");

    private final Api api;
    private final Ledger ledger;
    private final int orders;
    private final Duration spread;
    private final Random random;

    Workload(Api api, Ledger ledger, int orders, Duration spread, long seed) {
        this.api = api;
        this.ledger = ledger;
        this.orders = orders;
        this.spread = spread;
        this.random = new Random(seed);
    }

    void createProducts() {
        for (String sku : COLD) {
            put(sku, 1_000_000);
        }
        // Hot skus hold less than the orders want: some orders are refused until expiries give stock back.
        put(HOT.get(0), Math.max(20, orders / 2));
        put(HOT.get(1), Math.max(10, orders / 4));
    }

    /** Places every order, paced over the spread, and returns once every planned payment was made. */
    void run() throws InterruptedException {
        ExecutorService placing = Executors.newFixedThreadPool(4);
        ScheduledExecutorService paying = Executors.newScheduledThreadPool(6);
        long pauseNanos = spread.toNanos() / orders;
        long start = System.nanoTime();
        for (int i = 0; i < orders; i++) {
            String body = orderBody(i);
            long planDraw = random.nextLong();
            placing.submit(() -> place(body, new Random(planDraw), paying));
            long due = start + (i + 1) * pauseNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait); // pacing the load generator
            }
        }
        placing.shutdown();
        placing.awaitTermination(10, TimeUnit.MINUTES);
        paying.shutdown();
        paying.awaitTermination(10, TimeUnit.MINUTES);
    }

    private void place(String body, Random plan, ScheduledExecutorService paying) {
        String key = UUID.randomUUID().toString();
        Api.Response placed;
        try {
            placed = Api.retrying(
                    "POST /api/orders", () -> api.placeOrder(body, key), ledger.serverErrorsRetried::incrementAndGet);
        } catch (Api.Unanswered e) {
            ledger.wrong(e.getMessage());
            return;
        }
        if (placed.status() == 409 && placed.isProblem()) {
            ledger.outOfStock.incrementAndGet();
            return;
        }
        if (placed.status() != 201) {
            ledger.wrong("POST /api/orders answered " + placed.status() + ": " + placed.raw());
            return;
        }
        String id = placed.text("id");
        Instant expiresAt = Instant.parse(placed.text("expiresAt"));
        ledger.orders.put(id, expiresAt);
        schedulePayments(id, expiresAt, plan, paying);
        scheduleCancel(id, expiresAt, plan, paying);
    }

    private void scheduleCancel(String id, Instant expiresAt, Random plan, ScheduledExecutorService cancelling) {
        long untilDeadline = Duration.between(Instant.now(), expiresAt).toMillis();
        double draw = plan.nextDouble();
        if (draw < 0.10) {
            long at = (long) (plan.nextDouble() * Math.max(1, untilDeadline));
            cancelling.schedule(() -> cancel(id), at, TimeUnit.MILLISECONDS);
        } else if (draw < 0.18) {
            ledger.cancelsAtDeadline.incrementAndGet();
            cancelling.schedule(
                    () -> cancel(id), Math.max(0, untilDeadline - 40 + plan.nextInt(80)), TimeUnit.MILLISECONDS);
        }
    }

    private void cancel(String orderId) {
        Api.Response cancelled;
        try {
            // Cancelling is idempotent: a storefront may repeat it after a 5xx or a broken connection.
            cancelled = Api.retrying("cancel", () -> api.cancel(orderId), ledger.serverErrorsRetried::incrementAndGet);
        } catch (Api.Unanswered e) {
            ledger.wrong(e.getMessage());
            return;
        }
        if (cancelled.status() == 200 && "CANCELLED".equals(cancelled.text("status"))) {
            ledger.acceptedCancels.add(orderId);
        } else if (cancelled.status() == 409 && cancelled.isProblem()) {
            String type = cancelled.text("type");
            ledger.refusedCancels.add(new Ledger.Refusal(orderId, null, type.substring(type.lastIndexOf('/') + 1)));
        } else {
            ledger.wrong("cancel of " + orderId + " answered " + cancelled.status() + ": " + cancelled.raw());
        }
    }

    private void schedulePayments(String id, Instant expiresAt, Random plan, ScheduledExecutorService paying) {
        long untilDeadline = Duration.between(Instant.now(), expiresAt).toMillis();
        double draw = plan.nextDouble();
        String paymentId = "pay-" + UUID.randomUUID();
        if (draw < 0.30) {
            long at = (long) (plan.nextDouble() * Math.max(1, untilDeadline - 800));
            paying.schedule(() -> pay(id, paymentId), at, TimeUnit.MILLISECONDS);
            if (plan.nextDouble() < 0.3) {
                ledger.paymentsRepeated.incrementAndGet();
                paying.schedule(() -> pay(id, paymentId), at + 400, TimeUnit.MILLISECONDS);
            }
            if (plan.nextDouble() < 0.1) {
                paying.schedule(() -> pay(id, "other-" + paymentId), at + 600, TimeUnit.MILLISECONDS);
            }
        } else if (draw < 0.42) {
            ledger.paymentsAtDeadline.incrementAndGet();
            paying.schedule(
                    () -> pay(id, paymentId),
                    Math.max(0, untilDeadline - 40 + plan.nextInt(80)),
                    TimeUnit.MILLISECONDS);
        } else if (draw < 0.47) {
            ledger.paymentsAfterDeadline.incrementAndGet();
            paying.schedule(() -> pay(id, paymentId), untilDeadline + 500 + plan.nextInt(1000), TimeUnit.MILLISECONDS);
        }
    }

    private void pay(String orderId, String paymentId) {
        Api.Response paid;
        try {
            paid = Api.retrying(
                    "payment", () -> api.pay(orderId, paymentId), ledger.serverErrorsRetried::incrementAndGet);
        } catch (Api.Unanswered e) {
            ledger.wrong(e.getMessage());
            return;
        }
        if (paid.status() == 200 && "PAID".equals(paid.text("status"))) {
            ledger.accepted(orderId, paymentId);
        } else if (paid.status() == 409 && paid.isProblem()) {
            String type = paid.text("type");
            ledger.refused(orderId, paymentId, type.substring(type.lastIndexOf('/') + 1));
        } else {
            ledger.wrong("payment of " + orderId + " answered " + paid.status() + ": " + paid.raw());
        }
    }

    private String orderBody(int i) {
        List<String> skus = new ArrayList<>(COLD);
        java.util.Collections.shuffle(skus, random);
        List<String> chosen = new ArrayList<>(skus.subList(0, 1 + random.nextInt(2)));
        if (random.nextDouble() < 0.6) {
            chosen.add(HOT.get(random.nextInt(HOT.size())));
        }
        List<Map<String, Object>> items = chosen.stream()
                .<Map<String, Object>>map(sku -> Map.of("sku", sku, "quantity", 1 + random.nextInt(3)))
                .toList();
        var body = new LinkedHashMap<String, Object>();
        body.put("customerId", "customer-" + i);
        body.put("items", items);
        return Api.JSON.writeValueAsString(body);
    }

    private void put(String sku, int stock) {
        Api.Response response = Api.retrying(
                "PUT product",
                () -> api.putProduct(
                        sku,
                        Map.of(
                                "name",
                                "Chaos " + sku,
                                "priceCents",
                                100 + ThreadLocalRandom.current().nextInt(900),
                                "stock",
                                stock)),
                () -> {});
        if (response.status() != 201 && response.status() != 200) {
            throw new IllegalStateException("PUT " + sku + " answered " + response.status() + ": " + response.raw());
        }
        ledger.initialStock.put(sku, stock);
    }
}
