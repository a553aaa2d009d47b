package com.example.orders.cancel;

import com.example.orders.contracts.OrderCancelled;
import com.example.orders.order.Order;
import com.example.orders.order.OrderRepository;
import com.example.orders.outbox.Outbox;
import com.example.orders.transaction.TransactionRetry;
import com.example.orders.web.ConflictException;
import com.example.orders.web.NotFoundException;
import com.example.orders.web.RetryLaterException;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The customer's cancel, in one READ COMMITTED transaction, the mirror of expiry-worker's expiry:
 *
 * <ol>
 *   <li>{@code PENDING -> CANCELLED} as one conditional update; zero rows means payment, expiry or an
 *       earlier cancel won, and nothing else happens;
 *   <li>each item's stock given back under the optimistic lock, in sku order;
 *   <li>{@code OrderCancelled} written to the outbox.
 * </ol>
 *
 * The guard comes first and holds the order row's lock while the stock is given back, so a payment
 * or an expiry arriving meanwhile waits and then finds the order no longer PENDING. When the stock
 * lock loses three times on a row, or the database aborts the transaction (a deadlock, a Galera
 * certification conflict, a lock wait timeout), the transaction rolls back and runs again (the caller
 * is waiting, and a fresh transaction re-reads everything; {@link TransactionRetry}); after
 * {@value TransactionRetry#ATTEMPTS} such rounds the answer is 503 with {@code Retry-After}, nothing
 * written, and the storefront may send the same cancel again.
 */
@Service
class CancelService {

    private static final Logger log = LoggerFactory.getLogger(CancelService.class);

    private final OrderRepository orders;
    private final StockRelease stock;
    private final Outbox outbox;
    private final TransactionTemplate transaction;
    private final TransactionRetry.Place attempts;
    private final MeterRegistry meters;

    CancelService(
            OrderRepository orders,
            StockRelease stock,
            Outbox outbox,
            PlatformTransactionManager transactions,
            TransactionRetry retry,
            MeterRegistry meters) {
        this.orders = orders;
        this.stock = stock;
        this.outbox = outbox;
        this.transaction = new TransactionTemplate(transactions);
        this.transaction.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
        this.attempts = retry.place("cancel", StockRelease.StockBusyException.class);
        this.meters = meters;
        meters.counter("orders.cancelled");
        meters.counter("orders.cancel.stock.conflicts");
        for (String reason : new String[] {"order-paid", "order-expired", "stock-busy"}) {
            meters.counter("orders.cancel.refused", "reason", reason);
        }
    }

    Order cancel(String orderId) {
        Outcome outcome;
        try {
            outcome = attempts.run(() -> transaction.execute(tx -> cancelOnce(orderId)));
        } catch (RuntimeException e) {
            if (!(e instanceof StockRelease.StockBusyException) && !TransactionRetry.retryable(e)) {
                throw e; // not the stock or a lock: answered as it is (404, 409, database unavailable)
            }
            meters.counter("orders.cancel.refused", "reason", "stock-busy").increment();
            log.warn(
                    "Cancel of order {} gave up after {} transactions: {}",
                    orderId,
                    TransactionRetry.ATTEMPTS,
                    e.getMessage());
            throw new RetryLaterException(
                    "stock-busy",
                    "The stock of this order kept changing; nothing was written, send the cancel again",
                    Duration.ofSeconds(1));
        }
        if (outcome.cancelledNow()) {
            meters.counter("orders.cancelled").increment();
            log.info(
                    "Order {} CANCELLED by the customer; stock of {} items given back",
                    orderId,
                    outcome.order().items().size());
        }
        return outcome.order();
    }

    private record Outcome(Order order, boolean cancelledNow) {}

    private Outcome cancelOnce(String orderId) {
        boolean cancelled = orders.markCancelled(orderId);
        if (!cancelled) {
            Order order = orders.find(orderId).orElseThrow(() -> new NotFoundException("order", orderId));
            return switch (order.status()) {
                case CANCELLED -> new Outcome(order, false); // cancelled before: the same answer again
                case PAID -> throw refused("order-paid", "The order was paid; it can no longer be cancelled");
                case EXPIRED -> throw refused("order-expired", "The order expired; its stock is already back");
                case PENDING -> throw new IllegalStateException("order " + orderId + " is PENDING but not cancellable");
            };
        }
        List<OrderRepository.StockedItem> items = orders.itemsWithStockVersion(orderId);
        int conflicts = stock.giveBack(items);
        meters.counter("orders.cancel.stock.conflicts").increment(conflicts);
        Order order = orders.find(orderId).orElseThrow();
        outbox.orderCancelled(OrderCancelled.of(
                orderId,
                order.customerId(),
                order.closedAt(),
                items.stream()
                        .map(item -> new OrderCancelled.Item(item.sku(), item.quantity()))
                        .toList()));
        return new Outcome(order, true);
    }

    private ConflictException refused(String type, String detail) {
        meters.counter("orders.cancel.refused", "reason", type).increment();
        log.info("Cancel refused ({}): {}", type, detail);
        return new ConflictException(type, "Cancel refused", detail);
    }
}
