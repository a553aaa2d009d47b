package com.example.orders.order;

public enum OrderStatus {
    PENDING,
    PAID,
    EXPIRED,
    CANCELLED
}
