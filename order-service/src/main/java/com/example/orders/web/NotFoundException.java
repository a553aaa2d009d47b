package com.example.orders.web;

/** The thing asked for does not exist: 404. */
public class NotFoundException extends RuntimeException {

    private final String what;
    private final String id;

    public NotFoundException(String what, String id) {
        super(what + " not found");
        this.what = what;
        this.id = id;
    }

    String what() {
        return what;
    }

    String id() {
        return id;
    }
}
