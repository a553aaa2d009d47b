package com.example.orders.expiry.jdbc;

/** The optimistic lock on a product row failed on every attempt; the transaction must roll back. */
public class StockConflictException extends RuntimeException {

    public StockConflictException(String sku, int attempts) {
        super("stock of %s changed under us %d times in a row".formatted(sku, attempts));
    }
}
