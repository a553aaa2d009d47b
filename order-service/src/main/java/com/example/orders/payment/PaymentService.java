package com.example.orders.payment;

import com.example.orders.order.Order;
import com.example.orders.order.OrderRepository;
import com.example.orders.transaction.TransactionRetry;
import com.example.orders.web.ConflictException;
import com.example.orders.web.NotFoundException;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Marks an order paid. The payment races the expiry worker; both sides are one guarded update of the
 * order row ({@code WHERE status = 'PENDING'}, {@link OrderRepository#markPaid}), so the row lock
 * decides and exactly one wins. The payment also requires the deadline not to have passed by the
 * database's clock, the same clock the worker uses to decide the order is due.
 *
 * <p>A transaction the database aborts (a deadlock, a Galera certification conflict) runs again
 * whole; the payment signature was remembered before it, outside it, so a provider's identical retry
 * after a {@code 503} is still let through ({@code security.ReplayGuard}).
 */
@Service
class PaymentService {

    private static final Logger log = LoggerFactory.getLogger(PaymentService.class);

    private final OrderRepository orders;
    private final TransactionTemplate transaction;
    private final TransactionRetry.Place attempts;
    private final MeterRegistry meters;

    PaymentService(
            OrderRepository orders, TransactionTemplate transaction, TransactionRetry retry, MeterRegistry meters) {
        this.orders = orders;
        this.transaction = transaction;
        this.attempts = retry.place("payment");
        this.meters = meters;
        // Every series from the start, so a rate over the first refusal of a kind is not lost.
        meters.counter("orders.paid");
        for (String reason : new String[] {"already-paid", "order-expired", "order-cancelled", "deadline-passed"}) {
            meters.counter("orders.payment.refused", "reason", reason);
        }
    }

    Order pay(String orderId, String paymentId) {
        Paid paid = attempts.run(() -> transaction.execute(tx -> payOnce(orderId, paymentId)));
        if (paid.now()) { // counted once committed, not once per attempt
            meters.counter("orders.paid").increment();
            log.info("Order {} PAID by payment {}", orderId, paymentId);
        }
        return paid.order();
    }

    private record Paid(Order order, boolean now) {}

    private Paid payOnce(String orderId, String paymentId) {
        boolean paid = orders.markPaid(orderId, paymentId);
        Order order = orders.find(orderId).orElseThrow(() -> new NotFoundException("order", orderId));
        if (paid) {
            return new Paid(order, true);
        }
        return switch (order.status()) {
            case PAID -> {
                if (orders.paymentId(orderId).filter(paymentId::equals).isPresent()) {
                    yield new Paid(order, false); // the same payment again: idempotent
                }
                throw conflict("already-paid", "The order was paid by another payment");
            }
            case EXPIRED -> throw conflict("order-expired", "The order expired before it was paid");
            case CANCELLED -> throw conflict("order-cancelled", "The order was cancelled");
            case PENDING -> throw conflict("deadline-passed", "The payment deadline has passed");
        };
    }

    private ConflictException conflict(String type, String detail) {
        meters.counter("orders.payment.refused", "reason", type).increment();
        log.info("Payment refused ({}): {}", type, detail);
        return new ConflictException(type, "Payment refused", detail);
    }
}
