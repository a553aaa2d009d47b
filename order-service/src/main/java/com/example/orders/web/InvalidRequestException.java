package com.example.orders.web;

/** A request that bean validation cannot judge on its own (e.g. a sku twice in one order): 400. */
public class InvalidRequestException extends RuntimeException {

    private final String field;

    public InvalidRequestException(String field, String message) {
        super(message);
        this.field = field;
    }

    String field() {
        return field;
    }
}
