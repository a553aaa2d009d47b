package com.example.orders.bench;

import com.example.orders.contracts.DelayCascade;
import com.example.orders.contracts.Topology;
import com.example.orders.testsupport.Api;
import com.example.orders.testsupport.Database;
import com.example.orders.testsupport.Metrics;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Delivery;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A burst of orders falling due at one instant, through the real message path. The orders are placed
 * over HTTP with a long payment timeout, so that their messages wait in that window's queue or the
 * delay cascade (stock RabbitMQ); then every order's deadline is set to one instant X a moment ahead
 * (one UPDATE of expires_at) and the bench re-times their waiting messages to X (takes each from its queue and
 * publishes it into the cascade again, body and headers unchanged, with the delay that ends at X). At
 * X the broker dead-letters all of them into orders.expiry at once and expiry-worker drains it. From the orders
 * themselves: drain time (last closedAt - X), throughput, lateness (closedAt - expiresAt),
 * conservation; from the worker's metrics: conflicts, republishes, dead letters.
 *
 * <p>Where the services park messages ({@code --transport quorum-delay}, RabbitMQ 4.3+) a parked message
 * cannot be taken out of the work queue before its time, so nothing is re-timed: the orders are placed
 * with a short window (90 s unless {@code --payment-timeout} says otherwise), X is set a few seconds after
 * the latest of their deadlines, and each message, parked until its order's first deadline, comes back
 * then, finds its order not due in the database and is parked again until X (counted as {@code early}
 * republishes), by the worker's own path. At X every message of the burst comes back at once.
 */
final class Burst {

    private static final String[] WORKER_METRICS = {
        "orders_expired_total",
        "orders_expiry_stock_conflicts_total",
        "orders_expiry_republished_total",
        "orders_expiry_dead_lettered_total",
        "orders_expiry_sweep_rescued_total",
        "orders_expiry_batch_fallbacks_total",
        "orders_expiry_batch_size_count"
    };

    private Burst() {}

    /** Runs one burst of {@code n} orders, one item each, round-robin over {@code skuCount} skus. */
    static Map<String, Object> phase(
            Run run, Stack stack, String label, int n, int skuCount, int concurrency, boolean workerAfterDue)
            throws Exception {
        Api api = stack.api();
        long initialStock = (n + skuCount - 1) / skuCount + 100;
        for (int k = 0; k < skuCount; k++) {
            api.ensureProduct(label + "-sku-" + k, 100, (int) initialStock);
        }
        Map<String, Object> phase = new LinkedHashMap<>();
        Loader.Placed placed =
                Loader.place(api, n, concurrency, label + "-", i -> List.of(label + "-sku-" + (i % skuCount)), 900);
        phase.put("placed", placed.ids().size());
        phase.put("placeFailures", placed.failures());
        phase.put("placeOrdersPerSecond", placed.perSecond());
        System.out.printf(
                "%s: placed %d orders in %.1f s%n", label, placed.ids().size(), placed.seconds());
        awaitQueued(stack, api, placed.ids().size(), 180);
        long waiting = stack.delayedDepth();
        phase.put("waitingInDelayQueues", waiting);

        String before = workerAfterDue ? "" : api.scrape(stack.workerUrl);
        if (workerAfterDue) {
            stack.stopWorker(); // started again once the burst is due
        }
        phase.put("worker", workerAfterDue ? "started after the burst was due" : "running");
        long marginMs = 5_000 + waiting; // time to re-time the messages, about 1 ms each, and some
        try (var db = stack.db()) {
            String x = stack.parks
                    ? Database.single( // after every order's own deadline: each message is parked until then
                            db,
                            "SELECT DATE_FORMAT(GREATEST(NOW(3) + INTERVAL 5 SECOND, MAX(expires_at) + INTERVAL 5"
                                    + " SECOND), '%Y-%m-%d %H:%i:%s.%f') FROM orders WHERE customer_id LIKE '"
                                    + label + "-%' AND status = 'PENDING'")
                    : Database.single(
                            db,
                            "SELECT DATE_FORMAT(NOW(3) + INTERVAL " + marginMs * 1000
                                    + " MICROSECOND, '%Y-%m-%d %H:%i:%s.%f')");
            int moved = Database.update(
                    db,
                    "UPDATE orders SET expires_at = ? WHERE customer_id LIKE ? AND status = 'PENDING'",
                    x,
                    label + "-%");
            long leftMs = Long.parseLong(
                    Database.single(db, "SELECT TIMESTAMPDIFF(MICROSECOND, NOW(3), '" + x + "') DIV 1000"));
            long xLocal = System.currentTimeMillis() + leftMs;
            long retimed = stack.parks ? 0 : retime(stack, waiting, xLocal);
            long spareMs = xLocal - System.currentTimeMillis();
            phase.put("deadlinesMoved", moved);
            phase.put("deadline", x);
            phase.put("messagesRetimed", retimed);
            phase.put("spareMsBeforeDeadline", spareMs);
            if (spareMs < 0) {
                run.note(label + ": re-timing the messages ended " + -spareMs + " ms after the deadline");
            }
            Thread.sleep(Math.max(0, spareMs));
            Cpu cpu = new Cpu()
                    .watch("expiry-worker", stack.workerPid())
                    .watch("order-service", stack.orderServicePid())
                    .watch("mariadbd", Cpu.mariadbPid(db))
                    .watch("rabbitmq", stack.rabbitPid());
            Map<String, Double> cpuAtDeadline = cpu.seconds();
            long drainStart = System.nanoTime();
            if (workerAfterDue) {
                stack.startWorker();
                phase.put("workerStartToUpMs", (System.nanoTime() - drainStart) / 1e6);
                cpu.watch("expiry-worker", stack.workerPid());
                cpuAtDeadline.put("expiry-worker", 0.0); // a new process: all its CPU, start-up included
            }
            long end = System.nanoTime() + 900_000_000_000L;
            long expired = 0;
            while (System.nanoTime() < end && (expired = Db.count(db, label + "-", "EXPIRED")) < moved) {
                Thread.sleep(500);
            }
            Map<String, Double> cpuAtEnd = cpu.seconds();
            phase.put(
                    "cpuPercentOfOneCoreWhileDraining",
                    Cpu.percent(cpuAtDeadline, cpuAtEnd, (System.nanoTime() - drainStart) / 1e9));
            phase.put("cpuMsPerExpiredOrder", Cpu.msPerUnit(cpuAtDeadline, cpuAtEnd, Math.max(1, expired)));
            List<Db.Closed> closed = Db.expired(db, label + "-", x);
            double drainMs = closed.isEmpty()
                    ? Double.NaN
                    : closed.get(closed.size() - 1).closedAtMs();
            phase.put("expired", expired);
            phase.put("allExpired", expired == moved && moved == placed.ids().size());
            phase.put("drainMs", drainMs);
            phase.put("ordersPerSecond", closed.size() / (drainMs / 1000));
            if (!closed.isEmpty()) {
                double firstMs = closed.get(0).closedAtMs();
                phase.put("firstExpiryMs", firstMs);
                // from the first expiry on: what the worker drains once it is consuming
                phase.put("ordersPerSecondFromFirstExpiry", closed.size() / ((drainMs - firstMs) / 1000));
            }
            phase.put("lateness", Lateness.summary(closed));
            List<String> wrong = Db.conservationViolations(db, label + "-sku-", initialStock);
            phase.put("stockConserved", wrong.isEmpty());
            if (!wrong.isEmpty()) {
                phase.put("conservationViolations", wrong.subList(0, Math.min(10, wrong.size())));
            }
            phase.put("statuses", Db.statusCounts(db, label + "-"));
            run.charts.add(new Chart(
                            label + ": lateness of each order (closedAt - expiresAt) by when it closed",
                            "seconds after the deadline",
                            "lateness (ms)")
                    .dots("lateness", Lateness.overTime(closed)));
            run.charts.add(new Chart(label + ": orders expired so far", "seconds after the deadline", "orders")
                    .line("expired", Lateness.cumulative(closed)));
        }
        Thread.sleep(1500); // let the worker's counters settle before the scrape
        String after = api.scrape(stack.workerUrl);
        Map<String, Object> metrics = new LinkedHashMap<>();
        for (String m : WORKER_METRICS) {
            metrics.put(m, Metrics.sum(after, m) - (before.isEmpty() ? 0 : Metrics.sum(before, m)));
        }
        phase.put("workerMetricsDelta", metrics);
        phase.put("deadLetterQueueDepth", stack.queueDepth(Topology.DEAD_LETTER_QUEUE));
        System.out.printf("%s: %s%n", label, phase);
        return phase;
    }

    /**
     * Waits until the outbox is empty and every placed order's message is in the delay cascade (or, where
     * messages are parked, published).
     */
    private static void awaitQueued(Stack stack, Api api, long placed, int maxSeconds) throws InterruptedException {
        long end = System.nanoTime() + maxSeconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            double backlog = Metrics.sum(api.scrape(stack.orderUrl), "orders_outbox_backlog");
            if (backlog == 0 && (stack.parks || stack.delayedDepth() >= placed)) {
                return;
            }
            Thread.sleep(500);
        }
    }

    /**
     * Takes {@code count} messages from the payment window's queue (where the usual order's message
     * waits, one hop) and the level queues, and publishes each into the cascade again, unchanged but for
     * a delay that ends at {@code atMillis}. The copies enter lower levels than the long-delayed
     * originals, so exactly the originals are taken. Taken by a consumer with auto-ack:
     * {@code basic.get} costs a quorum-queue round trip per message (20,000 of them took 61 s on a
     * slow day, 36 s past the deadline, so that the burst measured the bench), and acking deliveries
     * of this quorum queue one by one or many at once left some of them requeued at the head
     * (RabbitMQ 3.10), where their one-hour TTL held every copy behind them. A bench crash midway
     * loses messages; the sweep then expires those orders, which the result shows
     * (orders_expiry_sweep_rescued_total). Bounded by count and 5 minutes.
     */
    private static long retime(Stack stack, long count, long atMillis) throws Exception {
        long moved = 0;
        long end = System.nanoTime() + 300_000_000_000L;
        try (Connection connection = stack.broker()) {
            Channel consume = connection.createChannel();
            Channel publish = connection.createChannel();
            publish.confirmSelect();
            long shortest = Math.max(1, atMillis - System.currentTimeMillis());
            Map<String, Long> sources = new LinkedHashMap<>(); // queue -> how long a message waits there at most
            // The usual order waits in its payment window's queue (one hop), the others in the levels.
            stack.window().ifPresent(window -> sources.put(window.name(), window.millis()));
            for (String level : DelayCascade.levelQueues()) {
                sources.put(level, DelayCascade.ttlMillis(DelayCascade.levelOf(level)));
            }
            for (Map.Entry<String, Long> source : sources.entrySet()) {
                String queue = source.getKey();
                if (source.getValue() <= shortest || messages(connection, queue) == 0) {
                    continue; // where the copies go, or nothing to take
                }
                // The consumer only hands deliveries over; this thread republishes them, so that each
                // channel is used by one thread. Auto-ack: every delivery taken is republished.
                BlockingQueue<Delivery> taken = new LinkedBlockingQueue<>();
                String consumer = consume.basicConsume(queue, true, (tag, delivery) -> taken.add(delivery), tag -> {});
                // Until the queue is empty and nothing came for half a second.
                while (moved < count && System.nanoTime() < end) {
                    Delivery delivery = taken.poll(500, TimeUnit.MILLISECONDS);
                    if (delivery == null) {
                        if (consume.queueDeclarePassive(queue).getMessageCount() == 0 && taken.isEmpty()) {
                            break;
                        }
                        continue;
                    }
                    republish(publish, delivery, atMillis);
                    if (++moved % 500 == 0) {
                        publish.waitForConfirmsOrDie(30_000);
                    }
                }
                consume.basicCancel(consumer);
                for (Delivery late; (late = taken.poll()) != null; moved++) { // delivered before the cancel
                    republish(publish, late, atMillis);
                }
            }
            publish.waitForConfirmsOrDie(30_000);
            publish.close(); // a clean close: the broker has taken every publish before the connection goes
            consume.close();
        }
        return moved;
    }

    /** Messages ready in {@code queue}; 0 when it is not declared (asked on a throwaway channel, which the broker closes then). */
    private static long messages(Connection connection, String queue) throws IOException {
        Channel own = connection.createChannel();
        try {
            return own.queueDeclarePassive(queue).getMessageCount();
        } catch (IOException notDeclared) {
            return 0;
        } finally {
            if (own.isOpen()) {
                own.abort();
            }
        }
    }

    /** Into the cascade again, body and headers unchanged, with the delay that ends at {@code atMillis}. */
    private static void republish(Channel publish, Delivery delivery, long atMillis) throws IOException {
        DelayCascade.Route route =
                DelayCascade.route(Math.max(1, atMillis - System.currentTimeMillis()), DelayCascade.EXPIRY_DESTINATION);
        publish.basicPublish(route.exchange(), route.routingKey(), delivery.getProperties(), delivery.getBody());
    }
}
