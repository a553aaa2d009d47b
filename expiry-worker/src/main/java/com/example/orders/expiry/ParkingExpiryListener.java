package com.example.orders.expiry;

import com.example.orders.ExpiryProperties;
import com.example.orders.contracts.OrderCreated;
import com.example.orders.contracts.Topology;
import com.example.orders.messaging.BrokerTls;
import com.example.orders.messaging.ParkedDelivery;
import com.rabbitmq.client.amqp.Connection;
import com.rabbitmq.client.amqp.ConnectionBuilder;
import com.rabbitmq.client.amqp.Consumer;
import com.rabbitmq.client.amqp.Environment;
import com.rabbitmq.client.amqp.impl.AmqpEnvironmentBuilder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpConnectException;
import org.springframework.amqp.core.Message;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.amqp.autoconfigure.RabbitConnectionDetails;
import org.springframework.boot.amqp.autoconfigure.RabbitProperties;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The work queue's consumer where the broker parks messages ({@code quorum-delay}, RabbitMQ 4.3+), over
 * AMQP 1.0: every expiry message arrives as soon as it is published, and one not due yet is parked in
 * the queue until its deadline (up to an hour off), without a database query; the queue delivers it again then, and it goes
 * through {@link BatchExpiryHandler} like a message of the 0-9-1 {@link ExpiryListener} (one transaction
 * per batch; retries and early messages parked again by the {@link com.example.orders.messaging.Republisher}).
 * A message is settled only once handled: accepted, parked, or (the broker did not confirm its
 * dead-lettering) parked for {@code expiry.retry-delay}. A worker that dies holding messages leaves them
 * to the queue, which delivers them again.
 *
 * <p>Messages returned by the queue are served before new ones, so a worker behind on parking new
 * orders still expires due ones first. Deliveries are handed from the client's thread to
 * {@code expiry.consumers} threads that each take up to {@code expiry.batch-size}, waiting
 * {@code expiry.batch-wait} for one more, like the 0-9-1 container, one thread gathering at a time.
 */
@Component
class ParkingExpiryListener implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ParkingExpiryListener.class);

    /**
     * A new message due within this long is handed to the database rather than parked: the database's
     * clock decides (and parks it for what is left if it is early after all).
     */
    static final long PARK_AT_LEAST_MILLIS = 25;

    /**
     * A new message is parked on the deadline in its body alone only if that deadline is at most this
     * far off; further (an order with a day-long window, or a body claiming the year 999 999 999) the
     * database is asked first, and a real order's message is parked until the deadline the database
     * has, while an unknown or absurd one is dead-lettered at once instead of parked for ever.
     */
    static final long PARK_UNASKED_AT_MOST_MILLIS = 3_600_000;

    private final BatchExpiryHandler handler;
    private final ExpiryProperties properties;
    private final RabbitConnectionDetails broker;
    private final BrokerTls tls;
    private final JsonMapper json;
    private final Counter parkedNew;
    private final Counter parkedAfterFailure;
    private final BlockingQueue<ParkedDelivery> arrived = new LinkedBlockingQueue<>();
    private final ReentrantLock gathering = new ReentrantLock();

    private Environment environment;
    private Connection connection;
    private Consumer consumer;
    private ExecutorService workers;
    private volatile boolean running;

    ParkingExpiryListener(
            BatchExpiryHandler handler,
            ExpiryProperties properties,
            RabbitConnectionDetails broker,
            RabbitProperties rabbit,
            JsonMapper json,
            MeterRegistry meters) {
        this.handler = handler;
        this.properties = properties;
        this.broker = broker;
        this.tls = BrokerTls.of(rabbit, broker);
        this.json = json;
        this.parkedNew = Counter.builder("orders.expiry.parked")
                .tag("reason", "not-due")
                .description("new expiry messages parked in the work queue until their deadline (quorum-delay)")
                .register(meters);
        this.parkedAfterFailure = Counter.builder("orders.expiry.parked")
                .tag("reason", "not-settled")
                .description("messages parked for the retry delay because they could not be handled (their"
                        + " dead-lettering not confirmed, or an unexpected failure)")
                .register(meters);
    }

    /**
     * Opens the AMQP 1.0 connection and starts consuming; throws {@link AmqpConnectException} while the
     * broker cannot be reached (the caller tries again).
     */
    synchronized void start() {
        if (running) {
            return;
        }
        Environment opened = new AmqpEnvironmentBuilder().build();
        try {
            ConnectionBuilder builder = opened.connectionBuilder().uris(uris()).name("expiry-worker-parking");
            connection = (tls == null ? builder : tls.applyTo(builder)).build();
        } catch (RuntimeException e) {
            opened.close();
            throw new AmqpConnectException("AMQP 1.0 connection to the broker failed", e);
        }
        environment = opened;
        running = true;
        AtomicInteger ids = new AtomicInteger();
        workers = Executors.newFixedThreadPool(properties.consumers(), task -> {
            Thread thread = new Thread(task, "parking-expiry-" + ids.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        for (int i = 0; i < properties.consumers(); i++) {
            workers.execute(this::work);
        }
        consumer = connection
                .consumerBuilder()
                .queue(Topology.EXPIRY_QUEUE)
                .initialCredits(Math.max(properties.prefetch(), properties.batchSize()))
                .messageHandler((context, message) -> arrived.add(new ParkedDelivery(context, message)))
                .build();
        log.info(
                "Consuming {} over AMQP 1.0{}; messages not due yet are parked in it (quorum-delay)",
                Topology.EXPIRY_QUEUE,
                tls == null ? "" : " with TLS");
    }

    @Override
    public synchronized void destroy() throws InterruptedException {
        if (!running) {
            return;
        }
        running = false;
        if (consumer != null) {
            consumer.pause();
        }
        workers.shutdown();
        workers.awaitTermination(properties.confirmTimeout().toMillis(), TimeUnit.MILLISECONDS);
        workers.shutdownNow();
        // whatever was received and not settled goes back to the queue with the connection
        connection.close();
        environment.close();
    }

    private void work() {
        List<ParkedDelivery> batch = new ArrayList<>(properties.batchSize());
        while (running) {
            try {
                batch.clear();
                if (nextBatch(batch)) {
                    handle(batch);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.warn("Expiry batch of {} not handled, parked for the retry delay: {}", batch.size(), e.toString());
                parkUnsettled(batch);
            }
        }
    }

    /**
     * After a failure no one expected: every member not settled yet comes again after the retry delay,
     * rather than holding the consumer's credit until the connection is replaced.
     */
    private void parkUnsettled(List<ParkedDelivery> batch) {
        long retryAt = System.currentTimeMillis() + properties.retryDelay().toMillis();
        for (ParkedDelivery delivery : batch) {
            if (!delivery.settled()) {
                try {
                    delivery.park(retryAt, Map.of());
                    parkedAfterFailure.increment();
                } catch (RuntimeException linkGone) {
                    // the queue delivers it again once the link is replaced
                }
            }
        }
    }

    /**
     * One thread at a time gathers a batch, while the others handle theirs: at a steady rate the
     * messages arriving together then make one batch (one transaction, one settlement of a group),
     * instead of being dealt out one each to the waiting threads.
     */
    private boolean nextBatch(List<ParkedDelivery> batch) throws InterruptedException {
        gathering.lockInterruptibly();
        try {
            return gather(batch);
        } finally {
            gathering.unlock();
        }
    }

    private boolean gather(List<ParkedDelivery> batch) throws InterruptedException {
        ParkedDelivery first = arrived.poll(1, TimeUnit.SECONDS);
        if (first == null) {
            return false;
        }
        batch.add(first);
        // closed when no message comes within batch-wait, and after batch-wait in all: a steady trickle
        // must not hold a batch open until it is full
        long closeAt = System.nanoTime() + properties.batchWait().toNanos();
        while (batch.size() < properties.batchSize()) {
            arrived.drainTo(batch, properties.batchSize() - batch.size());
            long wait = closeAt - System.nanoTime();
            if (batch.size() >= properties.batchSize() || wait <= 0) {
                break;
            }
            ParkedDelivery next = arrived.poll(wait, TimeUnit.NANOSECONDS);
            if (next == null) {
                break;
            }
            batch.add(next);
        }
        return true;
    }

    private void handle(List<ParkedDelivery> batch) {
        long now = System.currentTimeMillis();
        List<Message> due = new ArrayList<>(batch.size());
        List<Waiting> notDue = new ArrayList<>();
        for (ParkedDelivery delivery : batch) {
            long deadline = deadline(delivery);
            long wait = deadline - now;
            if (!delivery.returned() && wait > PARK_AT_LEAST_MILLIS && wait <= PARK_UNASKED_AT_MOST_MILLIS) {
                notDue.add(new Waiting(delivery, deadline));
            } else {
                due.add(delivery);
            }
        }
        parkTogether(notDue);
        if (due.isEmpty()) {
            return;
        }
        List<Message> failed;
        try {
            failed = handler.handle(due);
        } catch (RuntimeException e) {
            log.warn("Expiry batch of {} not handled, parked for the retry delay: {}", due.size(), e.toString());
            failed = due;
        }
        settle(due, failed);
    }

    /** A new message not due yet, and the deadline in its body. */
    private record Waiting(ParkedDelivery delivery, long deadline) {}

    /**
     * New messages of a batch whose deadlines lie within {@code expiry.park-together} of the earliest of
     * them are parked together, in one settlement, until the latest of them: each comes back at most that
     * much after its deadline, never before. At a steady rate the orders placed within one outbox relay run
     * arrive together, with deadlines spread over the relay's interval; the broker then records one change
     * per group instead of one per message, and delivers the group again together, to be expired in one
     * transaction. A wider window makes fewer, larger transactions (less CPU per order in the worker and
     * the database) at the price of that much more lateness.
     */
    private void parkTogether(List<Waiting> notDue) {
        long within = properties.parkTogether().toMillis();
        for (List<Waiting> group : together(notDue, Waiting::deadline, within)) {
            ParkedDelivery.parkAll(
                    group.stream().map(Waiting::delivery).toList(),
                    group.get(group.size() - 1).deadline());
            parkedNew.increment(group.size());
        }
    }

    /**
     * {@code items} in order of their deadlines, cut into groups whose deadlines lie within {@code within}
     * of the group's earliest: the last of each group has its latest deadline.
     */
    static <T> List<List<T>> together(List<T> items, ToLongFunction<T> deadline, long within) {
        List<T> sorted = new ArrayList<>(items);
        sorted.sort(Comparator.comparingLong(deadline));
        List<List<T>> groups = new ArrayList<>();
        List<T> group = new ArrayList<>();
        long earliest = 0;
        for (T item : sorted) {
            if (!group.isEmpty() && deadline.applyAsLong(item) - earliest > within) {
                groups.add(group);
                group = new ArrayList<>();
            }
            if (group.isEmpty()) {
                earliest = deadline.applyAsLong(item);
            }
            group.add(item);
        }
        if (!group.isEmpty()) {
            groups.add(group);
        }
        return groups;
    }

    /**
     * Accepts, in one disposition, every handled member that has not been parked meanwhile; a failed one
     * (its dead-lettering not confirmed) waits {@code expiry.retry-delay} and comes again.
     */
    private void settle(List<Message> handled, List<Message> failed) {
        Set<Message> failures = Collections.newSetFromMap(new IdentityHashMap<>());
        failures.addAll(failed);
        Consumer.BatchContext accepted = null;
        long retryAt = System.currentTimeMillis() + properties.retryDelay().toMillis();
        for (Message message : handled) {
            ParkedDelivery delivery = (ParkedDelivery) message;
            if (delivery.settled()) {
                continue;
            }
            if (failures.contains(delivery)) {
                delivery.park(retryAt, Map.of());
                parkedAfterFailure.increment();
            } else if (accepted == null) {
                accepted = delivery.context().batch(handled.size());
                accepted.add(delivery.context());
            } else {
                accepted.add(delivery.context());
            }
        }
        if (accepted != null) {
            accepted.accept();
        }
    }

    /** The order's deadline from the message body, rounded up to the millisecond; 0 if unreadable. */
    private long deadline(ParkedDelivery delivery) {
        try {
            OrderCreated event = json.readValue(delivery.getBody(), OrderCreated.class);
            long millis = event.expiresAt().toEpochMilli();
            return event.expiresAt().getNano() % 1_000_000 == 0 ? millis : millis + 1;
        } catch (JacksonException unreadable) {
            return 0; // handled at once: the handler dead-letters it with the parser's reason
        } catch (ArithmeticException beyondMillis) {
            return Long.MAX_VALUE; // a deadline past what a long holds: the database is asked
        }
    }

    /** The 0-9-1 settings as AMQP 1.0 URIs: the same brokers, ports, credentials, virtual host and TLS. */
    private String[] uris() {
        String user = encode(broker.getUsername()) + ":" + encode(broker.getPassword());
        String vhost = encode(broker.getVirtualHost() == null ? "/" : broker.getVirtualHost());
        String scheme = BrokerTls.scheme(tls);
        return broker.getAddresses().stream()
                .map(a -> "%s://%s@%s:%d/%s".formatted(scheme, user, a.host(), a.port(), vhost))
                .toArray(String[]::new);
    }

    private static String encode(String part) {
        return URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
