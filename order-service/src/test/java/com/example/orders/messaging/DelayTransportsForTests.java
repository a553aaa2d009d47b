package com.example.orders.messaging;

import com.example.orders.contracts.DelayTransport;

/** For tests of other packages: a service that decided on {@code transport} when it started. */
public final class DelayTransportsForTests {

    private DelayTransportsForTests() {}

    public static void decided(DelayTransports transports, DelayTransport transport) {
        transports.decided(transport);
    }
}
