package com.example.orders.web;

/** The request is valid but the state of the order or the stock refuses it: 409. */
public class ConflictException extends RuntimeException {

    private final String type;
    private final String title;

    /**
     * @param type stable short code, the last segment of the problem's type URI
     * @param title what went wrong, for people
     * @param detail this occurrence
     */
    public ConflictException(String type, String title, String detail) {
        super(detail);
        this.type = type;
        this.title = title;
    }

    String type() {
        return type;
    }

    String title() {
        return title;
    }
}
