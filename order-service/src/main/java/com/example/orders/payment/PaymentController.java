package com.example.orders.payment;

import com.example.orders.order.Order;
import com.example.orders.web.InvalidRequestException;
import jakarta.validation.Valid;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@RestController
class PaymentController {

    private final PaymentService payments;

    PaymentController(PaymentService payments) {
        this.payments = payments;
    }

    @PostMapping("/api/orders/{id}/payment")
    Order pay(@PathVariable String id, @Valid @RequestBody PaymentRequest request) {
        if (request.orderId() != null && !request.orderId().equals(id)) {
            throw new InvalidRequestException("orderId", "does not match the order in the path");
        }
        return payments.pay(id, request.paymentId());
    }
}
