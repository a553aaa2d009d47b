package com.example.orders.bench;

import com.example.orders.contracts.DelayWindow;
import com.example.orders.contracts.Headers;
import com.example.orders.contracts.Topology;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.amqp.Consumer;
import com.rabbitmq.client.amqp.Environment;
import com.rabbitmq.client.amqp.Message;
import com.rabbitmq.client.amqp.impl.AmqpEnvironmentBuilder;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The broker's floor for the steady scenario: the least CPU RabbitMQ spends on one order's messages at
 * that rate, measured with neither service running. It sends what the services send, in the batches
 * they send them, and settles as the worker settles, but does nothing else: no database, no HTTP, no
 * JSON, no Spring. Per order, at {@code --rate} orders/s and the steady scenario's payment window:
 *
 * <ul>
 *   <li>the expiry message, published as the outbox relay publishes it (persistent, mandatory, with
 *       its headers, confirmed batch by batch, one batch every 20 ms, or every 100 ms where the broker
 *       parks messages): into the payment window's queue ({@code dead-letter-ttl}), from which the
 *       broker dead-letters it into the work queue when the window is over; or straight into the work
 *       queue with its delivery time ({@code quorum-delay});
 *   <li>its consumption from the work queue: over 0-9-1, the batch (up to 100, closed after 10 ms)
 *       acknowledged at once; over AMQP 1.0 ({@code quorum-delay}), a new message parked until its
 *       deadline with the others of its batch due within 20 ms of it, in one settlement, and accepted
 *       when the queue delivers it again;
 *   <li>for two orders in three (the steady scenario pays every third), the {@code OrderExpired} event
 *       on {@code orders.events}, published by the next relay run.
 * </ul>
 *
 * The order-service's and the worker's CPU per order are ratios to ceilings that run their own
 * statements; this is the broker's counterpart: what the broker spends on the product's messages, in
 * the product's topology and batches, with the product's processes taken away.
 */
final class BrokerFloor {

    private static final int BATCH_SIZE = 100;
    private static final long BATCH_WAIT_MILLIS = 10;

    private BrokerFloor() {}

    /** {@code floor}: the floor alone, without starting the services. */
    static void run(Run run, Stack stack) throws Exception {
        measure(run.options, stack).forEach(run::put);
    }

    /**
     * Runs the floor for {@code --floor-seconds} (30) at {@code --rate} (200) orders/s, after 10 s
     * not measured; the work queue must have no other consumer.
     */
    static Map<String, Object> measure(Options options, Stack stack) throws Exception {
        int rate = options.integer("rate", 200);
        int seconds = options.integer("floor-seconds", 30);
        int warmup = 10;
        long window = stack.paymentTimeout().toMillis();
        boolean parks = stack.parks;
        // as the worker under test groups them (EXPIRY_PARK_TOGETHER, else its application.yml's
        // expiry.park-together); --floor-park-within tries another grouping
        long parkWithinMillis = options.integer("floor-park-within", (int) stack.parkTogetherMillis());
        int wakeMillis = options.integer("floor-relay-wake", parks ? 100 : 20);
        // time spent between two publishes of a batch: a slower publisher's
        long publishGapNanos = options.integer("floor-publish-gap-micros", 0) * 1_000L;
        long beam = stack.rabbitPid();
        Map<String, Object> figures = new LinkedHashMap<>();
        try (Connection connection = stack.broker()) {
            declare(connection, parks, window);
            AtomicLong settled = new AtomicLong();
            BlockingQueue<Long> toAnnounce = new LinkedBlockingQueue<>();
            try (AutoCloseable consumer = parks
                    ? new ParkingConsumer(stack.amqp10Uri(), parkWithinMillis, settled, toAnnounce)
                    : new AckingConsumer(connection, settled, toAnnounce)) {
                Relay relay = new Relay(connection, parks, window, wakeMillis, publishGapNanos);
                relay.send(rate, warmup, toAnnounce);
                awaitSettled(settled, relay.sent());
                relay.announce(toAnnounce); // the warm-up's last events, before the measured part
                Cpu cpu = new Cpu().watch("rabbitmq", beam);
                double idleStart = cpu.seconds().get("rabbitmq");
                Thread.sleep(3_000);
                double idlePerSecond = (cpu.seconds().get("rabbitmq") - idleStart) / 3;
                long sentBefore = relay.sent();
                long eventsBefore = relay.events();
                long confirmsBefore = relay.confirms();
                double before = cpu.seconds().get("rabbitmq");
                long start = System.nanoTime();
                relay.send(rate, seconds, toAnnounce);
                awaitSettled(settled, relay.sent());
                relay.announce(toAnnounce); // the last events, as the relay's next poll would
                double wall = (System.nanoTime() - start) / 1e9;
                double used = cpu.seconds().get("rabbitmq") - before;
                long orders = relay.sent() - sentBefore;
                figures.put("transport", parks ? "quorum-delay" : "dead-letter-ttl");
                figures.put("rate", rate);
                figures.put("orders", orders);
                figures.put("events", relay.events() - eventsBefore);
                // basic.ack frames per order: about 1.67 messages per order, so 1.67 means one confirm each
                figures.put("confirmsPerOrder", (double) (relay.confirms() - confirmsBefore) / orders);
                figures.put("wallSeconds", wall);
                figures.put("brokerIdleCpuMsPerSecond", idlePerSecond * 1000);
                figures.put("brokerCpuMsPerOrder", used / orders * 1000);
                figures.put("loadAverage", Machine.load());
            }
        }
        return figures;
    }

    private static void awaitSettled(AtomicLong settled, long sent) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (settled.get() < sent && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        if (settled.get() < sent) {
            throw new IllegalStateException("the floor settled " + settled.get() + " of " + sent + " messages");
        }
    }

    /** The work queue and the window's queue as the services declare them (same names, same arguments). */
    private static void declare(Connection connection, boolean parks, long window) throws IOException {
        try (Channel channel = connection.createChannel()) {
            channel.exchangeDeclare(Topology.EXPIRY_EXCHANGE, "direct", true);
            channel.queueDeclare(Topology.EXPIRY_QUEUE, true, false, false, Topology.expiryQueueArguments());
            channel.queueBind(Topology.EXPIRY_QUEUE, Topology.EXPIRY_EXCHANGE, Topology.EXPIRE_KEY);
            channel.exchangeDeclare(Topology.EVENTS_EXCHANGE, "topic", true);
            if (!parks) {
                DelayWindow w = DelayWindow.of(window).orElseThrow();
                channel.exchangeDeclare(w.name(), "direct", true);
                channel.queueDeclare(w.name(), true, false, false, w.queueArguments());
                channel.queueBind(w.name(), w.name(), w.routingKey());
                channel.queuePurge(w.name());
            }
            channel.queuePurge(Topology.EXPIRY_QUEUE); // an earlier run's leftovers would count here
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException(e);
        }
    }

    /** The outbox relay's side: a batch per run, confirmed as a whole, then the events it owes. */
    private static final class Relay {
        private final Channel channel;
        private final boolean parks;
        private final long window;
        private final long wakeMillis;
        private final long publishGapNanos;
        private final byte[] body;
        private final AtomicLong confirms = new AtomicLong();
        private long sent;
        private long events;

        Relay(Connection connection, boolean parks, long window, long wakeMillis, long publishGapNanos)
                throws IOException {
            this.channel = connection.createChannel();
            this.channel.confirmSelect();
            // every basic.ack the broker sends (one may confirm many publishes): how it batched them
            this.channel.addConfirmListener((tag, multiple) -> confirms.incrementAndGet(), (tag, multiple) -> {});
            this.parks = parks;
            this.window = window;
            this.wakeMillis = wakeMillis;
            this.publishGapNanos = publishGapNanos;
            // an OrderCreated of one item, the size the services send
            this.body = ("{\"schemaVersion\":1,\"eventId\":\"" + UUID.randomUUID() + "\",\"orderId\":\""
                            + UUID.randomUUID() + "\",\"customerId\":\"floor-customer-0001\",\"totalCents\":100,"
                            + "\"createdAt\":\"2026-12-07T21:00:00.123Z\",\"expiresAt\":\"2026-12-07T21:00:05.123Z\"}")
                    .getBytes(StandardCharsets.UTF_8);
        }

        long sent() {
            return sent;
        }

        long events() {
            return events;
        }

        long confirms() {
            return confirms.get();
        }

        /** {@code rate} orders a second for {@code seconds}, in the relay's batches. */
        void send(int rate, int seconds, BlockingQueue<Long> toAnnounce) throws Exception {
            long total = (long) rate * seconds;
            long first = sent;
            long start = System.nanoTime();
            while (sent - first < total) {
                long due = Math.min(total, (System.nanoTime() - start) * rate / 1_000_000_000L + 1);
                long now = System.currentTimeMillis();
                while (sent - first < due) {
                    publishExpiry(now + window);
                    sent++;
                    long until = System.nanoTime() + publishGapNanos;
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait();
                    }
                }
                channel.waitForConfirmsOrDie(30_000);
                announce(toAnnounce);
                Thread.sleep(wakeMillis);
            }
        }

        private void publishExpiry(long deadline) throws IOException {
            Map<String, Object> headers = new LinkedHashMap<>();
            headers.put(Headers.EVENT_TYPE, "OrderCreated");
            if (parks) {
                headers.put("x-opt-delivery-time", deadline);
            }
            AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                    .contentType("application/json")
                    .contentEncoding("UTF-8")
                    .deliveryMode(2)
                    .messageId(UUID.randomUUID().toString())
                    .type("OrderCreated")
                    .headers(headers)
                    .build();
            if (parks) {
                channel.basicPublish(Topology.EXPIRY_EXCHANGE, Topology.EXPIRE_KEY, true, properties, body);
            } else {
                DelayWindow w = DelayWindow.of(window).orElseThrow();
                channel.basicPublish(w.name(), w.routingKey(), true, properties, body);
            }
        }

        /** The OrderExpired events of the orders expired since the last run, confirmed. */
        void announce(BlockingQueue<Long> toAnnounce) throws Exception {
            List<Long> expired = new ArrayList<>();
            toAnnounce.drainTo(expired);
            if (expired.isEmpty()) {
                return;
            }
            AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                    .contentType("application/json")
                    .contentEncoding("UTF-8")
                    .deliveryMode(2)
                    .type("OrderExpired")
                    .headers(Map.of(Headers.EVENT_TYPE, "OrderExpired"))
                    .build();
            for (int i = 0; i < expired.size(); i++) {
                channel.basicPublish(Topology.EVENTS_EXCHANGE, Topology.ORDER_EXPIRED_KEY, false, properties, body);
            }
            channel.waitForConfirmsOrDie(30_000);
            events += expired.size();
        }
    }

    /** Counts a settled message, and every third one as paid: the others owe an OrderExpired event. */
    private static void settledOne(AtomicLong settled, BlockingQueue<Long> toAnnounce) {
        long n = settled.incrementAndGet();
        if (n % 3 != 0) {
            toAnnounce.add(n);
        }
    }

    /** The 0-9-1 worker's side: batches of up to 100, closed after 10 ms, each acknowledged at once. */
    private static final class AckingConsumer implements AutoCloseable {
        private final Channel channel;
        private final Thread thread;

        AckingConsumer(Connection connection, AtomicLong settled, BlockingQueue<Long> toAnnounce) throws IOException {
            channel = connection.createChannel();
            channel.basicQos(200);
            BlockingQueue<Long> tags = new LinkedBlockingQueue<>();
            channel.basicConsume(Topology.EXPIRY_QUEUE, false, new DefaultConsumer(channel) {
                @Override
                public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties p, byte[] b) {
                    tags.add(envelope.getDeliveryTag());
                }
            });
            thread = new Thread(() -> {
                List<Long> batch = new ArrayList<>();
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        if (gather(tags, batch)) {
                            channel.basicAck(batch.get(batch.size() - 1), true);
                            batch.forEach(t -> settledOne(settled, toAnnounce));
                        }
                    }
                } catch (InterruptedException | IOException | RuntimeException e) {
                    // closed
                }
            });
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws Exception {
            thread.interrupt();
            thread.join(5_000);
            channel.close();
        }
    }

    /**
     * The AMQP 1.0 worker's side: a new message parked until its deadline with the others of its batch
     * due within 20 ms of it (one settlement per group), a returned one accepted (one per batch).
     */
    private static final class ParkingConsumer implements AutoCloseable {
        private final Environment environment = new AmqpEnvironmentBuilder().build();
        private final com.rabbitmq.client.amqp.Connection connection;
        private final Consumer consumer;
        private final Thread thread;
        private final long parkWithinMillis;

        private record Delivery(Consumer.Context context, Message message) {}

        ParkingConsumer(String uri, long parkWithinMillis, AtomicLong settled, BlockingQueue<Long> toAnnounce) {
            this.parkWithinMillis = parkWithinMillis;
            connection = environment.connectionBuilder().uri(uri).build();
            BlockingQueue<Delivery> arrived = new LinkedBlockingQueue<>();
            consumer = connection
                    .consumerBuilder()
                    .queue(Topology.EXPIRY_QUEUE)
                    .initialCredits(200)
                    .messageHandler((context, message) -> arrived.add(new Delivery(context, message)))
                    .build();
            thread = new Thread(() -> {
                List<Delivery> batch = new ArrayList<>();
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        if (gather(arrived, batch)) {
                            settle(batch, settled, toAnnounce);
                        }
                    }
                } catch (InterruptedException | RuntimeException e) {
                    // closed
                }
            });
            thread.setDaemon(true);
            thread.start();
        }

        private void settle(List<Delivery> batch, AtomicLong settled, BlockingQueue<Long> toAnnounce) {
            List<Delivery> parkNow = new ArrayList<>();
            Consumer.BatchContext accept = null;
            for (Delivery d : batch) {
                boolean returned = d.message().annotation("x-acquired-count") instanceof Number n && n.longValue() > 0
                        || d.message().deliveryCount() > 0;
                if (returned) {
                    if (accept == null) {
                        accept = d.context().batch(batch.size());
                    }
                    accept.add(d.context());
                } else {
                    parkNow.add(d);
                }
            }
            parkNow.sort(Comparator.comparingLong(ParkingConsumer::deadline));
            int from = 0;
            for (int i = 1; i <= parkNow.size(); i++) {
                if (i == parkNow.size() || deadline(parkNow.get(i)) - deadline(parkNow.get(from)) > parkWithinMillis) {
                    Consumer.BatchContext group = parkNow.get(from).context().batch(i - from);
                    parkNow.subList(from, i).forEach(d -> group.add(d.context()));
                    group.requeue(Map.of("x-opt-delivery-time", deadline(parkNow.get(i - 1))));
                    from = i;
                }
            }
            if (accept != null) {
                int n = accept.size();
                accept.accept();
                for (int i = 0; i < n; i++) {
                    settledOne(settled, toAnnounce);
                }
            }
        }

        private static long deadline(Delivery d) {
            return ((Number) d.message().annotation("x-opt-delivery-time")).longValue();
        }

        @Override
        public void close() throws Exception {
            thread.interrupt();
            thread.join(5_000);
            consumer.close();
            connection.close();
            environment.close();
        }
    }

    /**
     * Up to 100 of what has arrived, waiting 10 ms in all for more once the first is there: the
     * gathering of expiry-worker's ParkingExpiryListener, repeated here since the bench runs without
     * the worker's classes.
     */
    private static <T> boolean gather(BlockingQueue<T> arrived, List<T> batch) throws InterruptedException {
        batch.clear();
        T first = arrived.poll(1, TimeUnit.SECONDS);
        if (first == null) {
            return false;
        }
        batch.add(first);
        long closeAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BATCH_WAIT_MILLIS);
        while (batch.size() < BATCH_SIZE) {
            arrived.drainTo(batch, BATCH_SIZE - batch.size());
            long wait = closeAt - System.nanoTime();
            if (batch.size() >= BATCH_SIZE || wait <= 0) {
                break;
            }
            T next = arrived.poll(wait, TimeUnit.NANOSECONDS);
            if (next == null) {
                break;
            }
            batch.add(next);
        }
        return true;
    }

    static String encode(String part) {
        return URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
