package com.example.orders.expiry;

/** The optimistic lock on a product row failed on every attempt; the transaction rolls back. */
class StockConflictException extends RuntimeException {

    StockConflictException(String sku, int attempts) {
        super("stock of %s changed under us %d times in a row".formatted(sku, attempts));
    }
}
