package com.example.orders.outbox;

import com.example.orders.OrdersProperties;
import com.example.orders.transaction.TransactionRetry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Publishes the outbox. Each batch is locked (SKIP LOCKED), published, confirmed by the broker, and
 * only then marked sent, all in one transaction: a crash or a refused confirm leaves the rows unsent
 * and the next run publishes them again (consumers are idempotent). While the broker is unreachable
 * orders keep being taken and the outbox fills; the relay catches up when it returns.
 *
 * <p>The relay's transaction is READ COMMITTED: under the default REPEATABLE READ its locking read and
 * its {@code UPDATE ... WHERE id IN (...)} also lock the gaps of the outbox's primary key, and the
 * orders and expiries inserting into the outbox meanwhile deadlocked with it (seen in the benchmark).
 * Under READ COMMITTED they lock only the rows they read.
 *
 * <p>Woken on commit: {@link Outbox} wakes the relay once the business transaction that wrote a row has
 * committed, so a message leaves a few milliseconds after its order (at most
 * {@code orders.outbox.wake-interval}, 20 ms, or 100 ms where the broker parks messages, plus the
 * batch's publish), not up to a poll interval later.
 * The usual order's message then takes the payment window's one-hop queue, which it may only while its
 * delay is within 100 ms of the window (with a 100 ms poll, about 1 in 8 missed it and took the
 * cascade), and lateness shrinks by the wait for the next poll. The relay still polls every
 * {@code orders.outbox.poll-interval} when nothing wakes it (rows written by expiry-worker or by another
 * instance, rows left unsent by a failure), and while the broker refuses it only polls, so that a
 * broker outage does not cost one attempt per order. One thread of its own runs every batch, as the
 * scheduler's did; wake-ups while it runs or rests are not lost, they make it run once more. The rest
 * of {@code wake-interval} after each run keeps the relay's own cost per order low at a steady rate:
 * at 200 orders/s a run (one locking read, one publish of the batch, one confirm wait, one update, one
 * commit) carries about four orders instead of one.
 *
 * <p>A batch whose transaction the database aborts (a deadlock; on a Galera cluster, another relay
 * writing through another node marked the same rows sent first: {@code SKIP LOCKED} locks only on its
 * own node) runs again at once ({@link TransactionRetry}, place {@code outbox-relay}). Its messages
 * may have been published already: the retry finds them sent, or publishes them again, and the
 * consumers are idempotent. {@code orders_outbox_published_again_total} counts the messages of
 * every batch that the broker confirmed but whose transaction did not commit, one by one: each of them
 * is published again (the duplicates a consumer sees), and
 * {@code orders_transaction_retries_total{place="outbox-relay"}} counts the batches run again.
 *
 * <p>Hand-written rather than a library's outbox, re-checked on 2026-12-01 by reading Spring Modulith's
 * current RabbitMQ externalization ({@code RabbitEventExternalizerConfiguration}; its "outbox" mode
 * also drives namastack-outbox and JobRunr). That mode now waits for a correlated confirm and takes
 * headers per event, so confirms and an {@code x-delay} header are no longer the obstacle. What still
 * is: (1) it reads only {@code confirm.ack()}, never {@code CorrelationData.getReturned()}, so a
 * {@code mandatory} publish the broker returns as unroutable counts as sent, which breaks "routed or
 * refused" (see {@link OutboxPublisher}); (2) the delay cascade picks the exchange and routing key
 * from each message's remaining delay at publish time, not at event time; (3) it externalizes one
 * event at a time and blocks on each confirm, where this relay sends a batch of up to
 * {@code orders.outbox.batch-size} and then awaits their confirms together. Not measured side by
 * side: (1) alone rules it out.
 */
@Component
class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    static final long WAKE_MILLIS = 20;
    static final long PARKED_WAKE_MILLIS = 100;

    private final OutboxRepository outbox;
    private final OutboxPublisher publisher;
    private final TransactionTemplate transaction;
    private final TransactionRetry.Place attempts;
    private final int batchSize;
    private final Counter published;
    private final Counter publishedAgain;
    private final Counter failures;
    private final long pollMillis;
    /** {@code orders.outbox.wake-interval}, or null: chosen by the transport ({@link #wakeIntervalMillis()}). */
    private final Long configuredWakeMillis;

    private final Semaphore wakeUps = new Semaphore(0);
    private volatile boolean failing;
    private volatile Thread loop;

    OutboxRelay(
            OutboxRepository outbox,
            OutboxPublisher publisher,
            PlatformTransactionManager transactions,
            TransactionRetry retry,
            OrdersProperties properties,
            MeterRegistry meters) {
        this.outbox = outbox;
        this.publisher = publisher;
        this.transaction = new TransactionTemplate(transactions);
        this.transaction.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
        this.attempts = retry.place("outbox-relay");
        this.batchSize = properties.outbox().batchSize();
        this.published = meters.counter("orders.outbox.published");
        this.publishedAgain = Counter.builder("orders.outbox.published.again")
                .description("messages the broker confirmed whose rows were not marked sent (their transaction"
                        + " rolled back): they stay unsent and are published again")
                .register(meters);
        this.failures = meters.counter("orders.outbox.publish.failures");
        this.pollMillis = properties.outbox().pollInterval().toMillis();
        this.configuredWakeMillis = properties.outbox().wakeInterval() == null
                ? null
                : properties.outbox().wakeInterval().toMillis();
        Gauge.builder("orders.outbox.backlog", outbox, OutboxRepository::backlog)
                .description("outbox messages not yet confirmed by the broker")
                .register(meters);
    }

    /** A business transaction that wrote an outbox row has committed: relay now, not at the next poll. */
    void wake() {
        if (wakeUps.availablePermits() == 0) {
            wakeUps.release();
        }
    }

    @Override
    public void start() {
        Thread thread = new Thread(this::run, "outbox-relay");
        thread.setDaemon(true);
        loop = thread;
        thread.start();
    }

    @Override
    public void stop() {
        Thread thread = loop;
        loop = null;
        if (thread != null) {
            wakeUps.release();
            try {
                thread.join(pollMillis + 10_000); // the batch under way finishes: its rows are marked or left unsent
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return loop != null;
    }

    /**
     * Stopped after the web server (whose phases are higher), so it runs while the last requests finish.
     * Spring AMQP's connection factory may refuse new channels once the context is closing (seen at the end
     * of a bench run with a backlog: AmqpApplicationContextClosedException): what is left then stays in the
     * outbox and goes out at the next start.
     */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 4096;
    }

    private void run() {
        while (loop == Thread.currentThread()) {
            try {
                if (failing) { // the broker refuses: wait out the poll, whatever wakes it
                    Thread.sleep(pollMillis);
                } else {
                    wakeUps.tryAcquire(pollMillis, TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                return;
            }
            wakeUps.drainPermits(); // every row committed so far is in this run
            if (loop == Thread.currentThread()) {
                relay();
                try {
                    Thread.sleep(wakeIntervalMillis()); // the commits meanwhile go out together in the next run
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /**
     * The rest after each run: as configured, else 20 ms while a message's wait starts at its publish
     * (the window queue's fixed wait makes a later publish a later expiry), 100 ms where the broker parks
     * it until the deadline it carries: there the relay's pace changes no expiry, and at 200 orders/s
     * batches of about 20 instead of 4 cut the broker's CPU per order by a fifth and order-service's and
     * MariaDB's by an eighth (docs/performance.md, issue 18).
     */
    private long wakeIntervalMillis() {
        if (configuredWakeMillis != null) {
            return configuredWakeMillis;
        }
        return publisher.parks() ? PARKED_WAKE_MILLIS : WAKE_MILLIS;
    }

    /** Publishes batch after batch until the outbox has no more unsent rows. */
    void relay() {
        try {
            boolean more;
            do {
                more = relayBatch();
            } while (more);
            if (failing) {
                log.info("Outbox relay is publishing again");
                failing = false;
            }
        } catch (RuntimeException e) { // broker or database trouble: the rows stay unsent, next run retries
            failures.increment();
            if (!failing) {
                log.warn("Outbox relay cannot publish, will retry: {}", e.toString());
                failing = true;
            }
        }
    }

    @Scheduled(fixedDelay = 60_000, initialDelay = 60_000)
    void purge() {
        transaction.executeWithoutResult(tx -> outbox.purgeSent());
    }

    /**
     * One batch; true when there may be more to publish at once. Rows the broker returned unroutable
     * stay unsent (the others of the batch are marked sent, so they are not published twice), and the
     * relay tries them again at its next run.
     */
    private boolean relayBatch() {
        int[] fetchedAndSent = attempts.run(() -> transaction.execute(tx -> {
            List<OutboxMessage> batch = outbox.lockUnsent(batchSize);
            if (batch.isEmpty()) {
                return new int[] {0, 0};
            }
            List<Long> routed = publisher.publishConfirmed(batch);
            if (!routed.isEmpty()) {
                countIfNotCommitted(routed.size());
                outbox.markSent(routed);
            }
            return new int[] {batch.size(), routed.size()};
        }));
        published.increment(fetchedAndSent[1]);
        return fetchedAndSent[0] == batchSize && fetchedAndSent[1] == fetchedAndSent[0];
    }

    /**
     * {@code confirmed} messages are out; if this transaction does not commit (its update or its commit
     * fails, on Galera often a lost certification), their rows stay unsent and go out a second time.
     */
    private void countIfNotCommitted(int confirmed) {
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
                if (status != STATUS_COMMITTED) {
                    publishedAgain.increment(confirmed);
                }
            }
        });
    }
}
