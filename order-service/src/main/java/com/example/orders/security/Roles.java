package com.example.orders.security;

/** Who may call what: a storefront (bearer token) or a payment provider (signed request). */
final class Roles {

    static final String STOREFRONT = "STOREFRONT";
    static final String PAYMENT_PROVIDER = "PAYMENT_PROVIDER";

    private Roles() {}
}
