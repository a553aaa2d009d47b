package com.example.orders.payment;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/**
 * @param paymentId the provider's id of the payment; the same id again is an idempotent repeat
 * @param orderId optional: when the provider includes it, the signed body is bound to this order and
 *     a signed body captured for one order cannot be replayed against another
 */
record PaymentRequest(
        @NotBlank @Size(max = 128) String paymentId,
        @Size(max = 64) String orderId) {}
