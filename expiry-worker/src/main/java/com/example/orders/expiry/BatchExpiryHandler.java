package com.example.orders.expiry;

import com.example.orders.contracts.OrderCreated;
import com.example.orders.expiry.jdbc.ExpiryOutcome;
import com.example.orders.expiry.jdbc.StockConflictException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;

/**
 * A batch of expiry messages: every readable one's order expired in one transaction, then each
 * message decided on its own outcome (expired, already closed, early, unknown) as if it had come
 * alone. Unreadable ones are dead-lettered one by one before the transaction and never take the batch
 * with them. If the batch transaction rolls back (a sku's optimistic lock lost on every attempt, a
 * deadlock, the database away), each order goes through the card's one-order transaction instead,
 * with its own three-attempts-then-republish rule.
 */
@Component
class BatchExpiryHandler {

    private static final Logger log = LoggerFactory.getLogger(BatchExpiryHandler.class);

    private final ExpiryTransaction expiry;
    private final ExpiryHandler single;
    private final Counter fallbacks;
    private final DistributionSummary sizes;

    BatchExpiryHandler(ExpiryTransaction expiry, ExpiryHandler single, MeterRegistry meters) {
        this.expiry = expiry;
        this.single = single;
        this.fallbacks = meters.counter("orders.expiry.batch.fallbacks");
        this.sizes = DistributionSummary.builder("orders.expiry.batch.size")
                .description("expiry messages handled in one transaction")
                .register(meters);
    }

    /**
     * Returns the messages that could not be handled (a republish or dead-letter the broker did not
     * confirm): the caller requeues those and acknowledges the others.
     */
    List<Message> handle(List<Message> messages) {
        List<Message> failed = new ArrayList<>();
        List<Member> members = new ArrayList<>(messages.size());
        for (Message message : messages) {
            try {
                OrderCreated event = single.read(message);
                if (event != null) {
                    members.add(new Member(message, event.orderId()));
                }
            } catch (RuntimeException e) {
                failed.add(message);
            }
        }
        if (members.isEmpty()) {
            return failed;
        }
        sizes.record(members.size());
        Map<String, ExpiryOutcome> outcomes;
        try {
            outcomes = expiry.expireBatch(members.stream().map(Member::orderId).toList());
        } catch (StockConflictException | DataAccessException | TransactionException e) {
            fallbacks.increment();
            log.info("Batch of {} rolled back ({}); expiring its orders one at a time", members.size(), e.toString());
            for (Member member : members) {
                decideAlone(member, failed);
            }
            return failed;
        }
        Set<String> expired = new HashSet<>();
        for (Member member : members) {
            ExpiryOutcome outcome = outcomes.get(member.orderId());
            if (outcome instanceof ExpiryOutcome.Expired && !expired.add(member.orderId())) {
                outcome = new ExpiryOutcome.AlreadyClosed("EXPIRED"); // a duplicate in the same batch
            }
            try {
                single.decide(member.message(), member.orderId(), outcome);
            } catch (RuntimeException e) {
                failed.add(member.message());
            }
        }
        return failed;
    }

    private void decideAlone(Member member, List<Message> failed) {
        try {
            single.expireAlone(member.message(), member.orderId());
        } catch (RuntimeException e) {
            failed.add(member.message());
        }
    }

    private record Member(Message message, String orderId) {}
}
