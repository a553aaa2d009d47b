package com.example.orders.payment;

import com.example.orders.order.Order;
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
        return payments.pay(id, request.paymentId());
    }
}
