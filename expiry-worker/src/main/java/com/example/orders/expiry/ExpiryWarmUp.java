package com.example.orders.expiry;

import com.example.orders.ExpiryProperties;
import com.example.orders.contracts.OrderCreated;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * A cold JVM interprets its first thousands of expiries and compiles them while it serves: started
 * just before a busy minute, the worker's first batches were seconds late (docs/performance.md, "Warm
 * start"). Before it consumes, the worker runs its own expiry code on orders that do not exist:
 * {@code OrderCreated} bodies read as the listener reads them, the batch and the one-order
 * transactions on their ids (every statement finds nothing, nothing is written). The listener's
 * decision step is left out: for an unknown order it would dead-letter the message. A worker that
 * starts with due messages already waiting skips it: those warm the same code while doing the work,
 * and a warm-up would only make them later.
 * {@code expiry.warm-up-batches} sets how many batches (0: none).
 */
@Component
public class ExpiryWarmUp {

    private static final Logger log = LoggerFactory.getLogger(ExpiryWarmUp.class);

    private final ExpiryHandler handler;
    private final ExpiryTransaction expiry;
    private final JsonMapper json;
    private final int batches;
    private final int batchSize;
    private final QueueBacklog backlog;

    ExpiryWarmUp(
            ExpiryHandler handler,
            ExpiryTransaction expiry,
            JsonMapper json,
            QueueBacklog backlog,
            ExpiryProperties properties) {
        this.handler = handler;
        this.backlog = backlog;
        this.expiry = expiry;
        this.json = json;
        this.batches = properties.warmUpBatches();
        this.batchSize = Math.max(2, properties.batchSize());
    }

    /**
     * True if it warmed up; false when told not to, when due messages are already waiting, or when the
     * database failed it.
     */
    public boolean run() {
        if (batches <= 0) {
            return false;
        }
        long waiting = backlog.waiting();
        if (waiting > 0) {
            log.info("No warm-up: {} due expiry messages are already waiting", waiting);
            return false;
        }
        long started = System.nanoTime();
        MessageProperties properties = new MessageProperties();
        properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        for (int b = 0; b < batches; b++) {
            List<String> ids = new ArrayList<>(batchSize);
            for (int i = 0; i < batchSize; i++) {
                OrderCreated event =
                        OrderCreated.of(UUID.randomUUID().toString(), "warm-up", 0, Instant.now(), Instant.now());
                OrderCreated read = handler.read(new Message(json.writeValueAsBytes(event), properties));
                ids.add(read.orderId());
            }
            try {
                expiry.expireBatch(ids);
                expiry.expire(ids.get(0));
            } catch (DataAccessException e) {
                // Only a head start: a deadlock or an outage here must not keep the worker from consuming
                // (a chaos run's restarted worker exited on a deadlock in this loop).
                log.warn("Warm-up stopped after {} of {} batches: {}", b, batches, e.toString());
                return false;
            }
        }
        log.info(
                "Warmed up with {} batches of {} unknown orders in {} ms",
                batches,
                batchSize,
                (System.nanoTime() - started) / 1_000_000);
        return true;
    }
}
