package com.example.orders.order;

import com.example.orders.OrdersProperties;
import com.example.orders.outbox.Outbox;
import com.example.orders.transaction.TransactionRetry;
import com.example.orders.web.InvalidRequestException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/** Places orders: reserves stock, saves the order and its expiry message in one transaction. */
@Service
class OrderService {

    private static final Logger log = LoggerFactory.getLogger(OrderService.class);

    private final OrderRepository orders;
    private final StockReservation stock;
    private final Outbox outbox;
    private final TransactionTemplate transaction;
    private final TransactionRetry.Place attempts;
    private final long timeoutMillis;
    private final Duration minTimeout;
    private final Duration maxTimeout;
    private final Counter created;

    OrderService(
            OrderRepository orders,
            StockReservation stock,
            Outbox outbox,
            TransactionTemplate transaction,
            TransactionRetry retry,
            OrdersProperties properties,
            MeterRegistry meters) {
        this.orders = orders;
        this.stock = stock;
        this.outbox = outbox;
        this.transaction = transaction;
        this.attempts = retry.place("place-order");
        this.timeoutMillis = millisRoundedUp(properties.paymentTimeout());
        this.minTimeout = properties.paymentTimeoutMin();
        this.maxTimeout = properties.paymentTimeoutMax();
        // Not "orders.created": Prometheus exports that as orders_total (_created is a reserved suffix).
        this.created = meters.counter("orders.placed");
    }

    /** The placed order, and whether this call placed it (false: an earlier call with the same key did). */
    record Placed(Order order, boolean created) {}

    Placed place(OrderRequest request, String idempotencyKey) {
        rejectDuplicateSkus(request.items());
        long timeout = timeoutMillis(request.paymentTimeout());
        if (idempotencyKey != null) {
            Optional<Order> earlier = findByIdempotencyKey(idempotencyKey);
            if (earlier.isPresent()) {
                return new Placed(earlier.get(), false);
            }
        }
        try {
            // A deadlock or a Galera certification conflict rolls the whole attempt back, the
            // idempotency key's row included, so running it again cannot place a second order.
            Order order = attempts.run(() -> transaction.execute(tx -> insert(request, timeout, idempotencyKey)));
            created.increment();
            log.info(
                    "Order {} PENDING for customer {}: {} items, {} cents, expires at {}",
                    order.id(),
                    order.customerId(),
                    order.items().size(),
                    order.totalCents(),
                    order.expiresAt());
            return new Placed(order, true);
        } catch (DuplicateKeyException raceOnKey) {
            // Another request with the same key committed first; ours rolled back, stock included.
            return new Placed(findByIdempotencyKey(idempotencyKey).orElseThrow(() -> raceOnKey), false);
        }
    }

    private Order insert(OrderRequest request, long timeoutMillis, String idempotencyKey) {
        StockReservation.Reserved reserved = stock.reserve(request.items());
        List<Order.Item> items = reserved.items();
        long total = totalCents(items);
        String id = UUID.randomUUID().toString();
        orders.insert(id, request.customerId(), total, reserved.now(), timeoutMillis, idempotencyKey);
        items.forEach(item -> orders.insertItem(id, item));
        // What this transaction just wrote; both times are the database's clock as it priced the items.
        Instant createdAt = reserved.now().toInstant(ZoneOffset.UTC);
        Order order = new Order(
                id,
                request.customerId(),
                OrderStatus.PENDING,
                items,
                total,
                createdAt,
                createdAt.plusMillis(timeoutMillis),
                null,
                null);
        outbox.orderCreated(order.id(), order.customerId(), order.totalCents(), order.createdAt(), order.expiresAt());
        return order;
    }

    /**
     * The sum of price times quantity; a total beyond a {@code long} (a hundred lines near the price and
     * quantity limits) is the request's fault, a 400 about {@code items}, and rolls the reservation back.
     */
    static long totalCents(List<Order.Item> items) {
        try {
            return items.stream()
                    .mapToLong(item -> Math.multiplyExact(item.unitPriceCents(), (long) item.quantity()))
                    .reduce(0L, Math::addExact);
        } catch (ArithmeticException overflow) {
            throw new InvalidRequestException("items", "the order total is too large");
        }
    }

    /** The order's own payment window in milliseconds, within the configured bounds, or the configured one. */
    private long timeoutMillis(Duration requested) {
        if (requested == null) {
            return timeoutMillis;
        }
        if (requested.compareTo(minTimeout) < 0 || requested.compareTo(maxTimeout) > 0) {
            throw new InvalidRequestException(
                    "paymentTimeout", "must be between %s and %s".formatted(minTimeout, maxTimeout));
        }
        return millisRoundedUp(requested);
    }

    /** Whole milliseconds, the precision of the order's times; a finer window is rounded up, never cut short. */
    private static long millisRoundedUp(Duration window) {
        long millis = window.toMillis();
        return window.minusMillis(millis).isZero() ? millis : millis + 1;
    }

    private Optional<Order> findByIdempotencyKey(String key) {
        return orders.findIdByIdempotencyKey(key).flatMap(orders::find);
    }

    private static void rejectDuplicateSkus(List<OrderRequest.Line> lines) {
        var seen = new HashSet<String>();
        for (int i = 0; i < lines.size(); i++) {
            if (!seen.add(lines.get(i).sku())) {
                throw new InvalidRequestException(
                        "items[%d].sku".formatted(i), "appears more than once; put the total in one line");
            }
        }
    }
}
