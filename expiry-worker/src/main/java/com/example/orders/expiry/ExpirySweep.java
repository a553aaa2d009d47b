package com.example.orders.expiry;

import com.example.orders.ExpiryProperties;
import com.example.orders.expiry.jdbc.ExpiryOutcome;
import com.example.orders.expiry.jdbc.StockConflictException;
import com.example.orders.schema.SchemaGate;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;

/**
 * The backstop: expires PENDING orders whose deadline passed more than a grace period ago and whose
 * message really is missing, through the same batched transaction as the listener. Each one counts
 * in {@code orders.expiry.sweep.rescued}: an operator reads that metric as "lost messages", so the
 * sweep must not count orders whose message is merely queued behind others.
 *
 * <p>How it decides that an order had no message (there is no per-order "message seen" marker: the
 * schema is order-service's, and writing one per message would cost the hot path a write):
 *
 * <ol>
 *   <li>it does nothing while the work queue or the retry queue holds ready messages (a burst being
 *       drained, retries pending): the order's message is most likely among them, and the sweep would
 *       only compete with the listener for the same rows;
 *   <li>it does nothing while late messages keep arriving: when, since its last run, the listener has
 *       expired an order more than the grace after its deadline ({@link LateDeliveries}), the
 *       delivery path is behind (the delay cascade still dead-lettering a burst into the work queue,
 *       which then looks empty because the listener keeps up with the trickle; a broker catching up
 *       after an outage), and the overdue orders' messages are most likely on their way;
 *   <li>an order must be seen overdue at two consecutive runs, with neither of the above at both: a
 *       message already delivered to a consumer (prefetched, not yet acked, which a queue's ready
 *       count does not show) has had a whole sweep interval to be handled by then.
 * </ol>
 *
 * A lost message is thus rescued at most grace + two intervals after the deadline (20 s by default)
 * once the queues are quiet and no late message came. A lost message among a burst that drains late
 * waits for the drain to end; one lost while the rest arrive on time is rescued as before.
 *
 * <p>Safe with several workers: the guard lets exactly one of them expire an order.
 */
@Component
class ExpirySweep {

    private static final Logger log = LoggerFactory.getLogger(ExpirySweep.class);

    private final ExpiryRepository orders;
    private final ExpiryTransaction expiry;
    private final QueueBacklog backlog;
    private final LateDeliveries late;
    private final SchemaGate schema;
    private final ExpiryProperties properties;
    private final Counter rescued;
    private final Counter expired;
    private Set<String> seenLastRun = Set.of();
    private long lateAtLastRun;

    ExpirySweep(
            ExpiryRepository orders,
            ExpiryTransaction expiry,
            QueueBacklog backlog,
            LateDeliveries late,
            SchemaGate schema,
            ExpiryProperties properties,
            MeterRegistry meters) {
        this.orders = orders;
        this.expiry = expiry;
        this.backlog = backlog;
        this.late = late;
        this.schema = schema;
        this.properties = properties;
        this.rescued = meters.counter("orders.expiry.sweep.rescued");
        this.expired = meters.counter("orders.expired", "trigger", "sweep");
    }

    @Scheduled(fixedDelayString = "${expiry.sweep-interval}", initialDelayString = "${expiry.sweep-interval}")
    synchronized void sweep() {
        if (!schema.ready()) {
            return;
        }
        long lateSoFar = late.count();
        boolean lateArriving = lateSoFar != lateAtLastRun;
        lateAtLastRun = lateSoFar;
        try {
            long waiting = backlog.waiting();
            if (waiting > 0 || lateArriving) {
                log.debug("Sweep deferred: {} expiry messages queued, late ones arriving: {}", waiting, lateArriving);
                seenLastRun = Set.of();
                return;
            }
            List<String> overdue =
                    orders.overdue(properties.sweepGrace().toNanos() / 1_000, properties.sweepBatchSize());
            List<String> lost = overdue.stream().filter(seenLastRun::contains).toList();
            Set<String> seen = new HashSet<>(overdue);
            lost.forEach(seen::remove);
            seenLastRun = seen;
            if (lost.isEmpty() || backlog.waiting() > 0 || late.count() != lateAtLastRun) {
                return; // nothing seen twice, or messages came due or late meanwhile
            }
            for (int from = 0; from < lost.size(); from += properties.batchSize()) {
                rescue(lost.subList(from, Math.min(lost.size(), from + properties.batchSize())));
            }
        } catch (DataAccessException | TransactionException e) {
            log.warn("Sweep failed, will run again: {}", e.toString());
        }
    }

    private void rescue(List<String> orderIds) {
        Map<String, ExpiryOutcome> outcomes;
        try {
            outcomes = expiry.expireBatch(orderIds);
        } catch (DataAccessResourceFailureException | TransactionException databaseAway) {
            throw databaseAway; // this run stops; the next one tries again
        } catch (StockConflictException | DataAccessException e) {
            log.info("Sweep batch of {} rolled back ({}); one order at a time", orderIds.size(), e.toString());
            orderIds.forEach(this::rescueAlone);
            return;
        }
        outcomes.forEach(this::count);
    }

    private void rescueAlone(String orderId) {
        try {
            count(orderId, expiry.expire(orderId));
        } catch (StockConflictException e) {
            log.info("Sweep skipped order {} this time: {}", orderId, e.getMessage());
        } catch (DataAccessResourceFailureException | TransactionException databaseAway) {
            throw databaseAway;
        } catch (DataAccessException e) {
            // One order that cannot be expired must not keep the sweep from the others behind it.
            log.warn("Sweep could not expire order {}, moving on: {}", orderId, e.toString());
        }
    }

    private void count(String orderId, ExpiryOutcome outcome) {
        if (outcome instanceof ExpiryOutcome.Expired) {
            rescued.increment();
            expired.increment();
            log.warn("Order {} expired by the sweep: its expiry message was lost or is late", orderId);
        }
    }
}
