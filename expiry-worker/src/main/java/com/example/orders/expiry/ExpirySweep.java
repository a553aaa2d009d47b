package com.example.orders.expiry;

import com.example.orders.ExpiryProperties;
import com.example.orders.schema.SchemaGate;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;

/**
 * The backstop: expires PENDING orders whose deadline passed more than a grace period ago, through
 * the same guarded transaction. Each one it expires is an order whose message was lost (or is very
 * late), counted in {@code orders.expiry.sweep.rescued}. Safe with several workers: the guard lets
 * exactly one of them expire an order.
 */
@Component
class ExpirySweep {

    private static final Logger log = LoggerFactory.getLogger(ExpirySweep.class);

    private final ExpiryRepository orders;
    private final ExpiryTransaction expiry;
    private final SchemaGate schema;
    private final ExpiryProperties properties;
    private final Counter rescued;
    private final Counter expired;

    ExpirySweep(
            ExpiryRepository orders,
            ExpiryTransaction expiry,
            SchemaGate schema,
            ExpiryProperties properties,
            MeterRegistry meters) {
        this.orders = orders;
        this.expiry = expiry;
        this.schema = schema;
        this.properties = properties;
        this.rescued = meters.counter("orders.expiry.sweep.rescued");
        this.expired = meters.counter("orders.expired", "trigger", "sweep");
    }

    @Scheduled(fixedDelayString = "${expiry.sweep-interval}", initialDelayString = "${expiry.sweep-interval}")
    void sweep() {
        if (!schema.ready()) {
            return;
        }
        try {
            for (String orderId :
                    orders.overdue(properties.sweepGrace().toNanos() / 1_000, properties.sweepBatchSize())) {
                rescue(orderId);
            }
        } catch (DataAccessException | TransactionException e) {
            log.warn("Sweep failed, will run again: {}", e.toString());
        }
    }

    private void rescue(String orderId) {
        try {
            if (expiry.expire(orderId) instanceof ExpiryOutcome.Expired) {
                rescued.increment();
                expired.increment();
                log.warn("Order {} expired by the sweep: its expiry message was lost or is late", orderId);
            }
        } catch (StockConflictException e) {
            log.info("Sweep skipped order {} this time: {}", orderId, e.getMessage());
        } catch (DataAccessResourceFailureException | TransactionException databaseAway) {
            throw databaseAway; // this run stops; the next one tries again
        } catch (DataAccessException e) {
            // One order that cannot be expired must not keep the sweep from the others behind it.
            log.warn("Sweep could not expire order {}, moving on: {}", orderId, e.toString());
        }
    }
}
