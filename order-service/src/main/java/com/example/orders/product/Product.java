package com.example.orders.product;

/** A product as the storefront sees it; {@code stock} is what can still be ordered. */
public record Product(String sku, String name, long priceCents, int stock) {}
