package com.example.orders.payment;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

record PaymentRequest(@NotBlank @Size(max = 128) String paymentId) {}
