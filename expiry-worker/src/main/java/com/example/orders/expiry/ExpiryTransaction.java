package com.example.orders.expiry;

import com.example.orders.contracts.OrderExpired;
import com.example.orders.contracts.Topology;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * The guarded rollback transaction, shared by the message listener and the sweep.
 *
 * <ol>
 *   <li>{@code PENDING -> EXPIRED} as one conditional update; zero rows means payment (or an earlier
 *       expiry) won, and nothing else happens;
 *   <li>each item's stock given back under an optimistic lock, in sku order;
 *   <li>{@code OrderExpired} written to the outbox.
 * </ol>
 *
 * The state change comes first, so it holds the order row's lock while stock is restored: a payment
 * arriving meanwhile waits, then finds the order no longer PENDING. Any failure rolls back all three.
 */
@Component
class ExpiryTransaction {

    private final ExpiryRepository orders;
    private final StockRestorer stock;
    private final JsonMapper json;
    private final Timer lateness;

    ExpiryTransaction(ExpiryRepository orders, StockRestorer stock, JsonMapper json, MeterRegistry meters) {
        this.orders = orders;
        this.stock = stock;
        this.json = json;
        this.lateness = Timer.builder("orders.expiry.lateness")
                .description("time from an order's deadline to its expiry (closedAt - expiresAt)")
                .publishPercentileHistogram()
                .register(meters);
    }

    @Transactional(isolation = Isolation.READ_COMMITTED)
    public ExpiryOutcome expire(String orderId) {
        if (!orders.markExpired(orderId)) {
            return orders.state(orderId)
                    .<ExpiryOutcome>map(state -> "PENDING".equals(state.status())
                            ? new ExpiryOutcome.NotDue(state.remainingMillis())
                            : new ExpiryOutcome.AlreadyClosed(state.status()))
                    .orElseGet(ExpiryOutcome.UnknownOrder::new);
        }
        ExpiryRepository.Expired closed = orders.expiredWithItems(orderId);
        stock.restore(closed.items());
        OrderExpired event = OrderExpired.of(
                orderId,
                closed.expiresAt(),
                closed.closedAt(),
                closed.items().stream()
                        .map(item -> new OrderExpired.Item(item.sku(), item.quantity()))
                        .toList());
        orders.appendEvent(
                event.eventId().toString(),
                OrderExpired.class.getSimpleName(),
                Topology.ORDER_EXPIRED_KEY,
                json.writeValueAsString(event));
        Duration late = Duration.between(closed.expiresAt(), closed.closedAt());
        lateness.record(late);
        return new ExpiryOutcome.Expired(late.toMillis());
    }
}
