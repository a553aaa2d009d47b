package com.example.orders.delay;

import com.example.orders.contracts.Topology;
import java.util.Map;

/**
 * Where a message goes so that it reaches the work queue after its delay: the exchange, the routing
 * key, the headers it must carry, whether the publish is {@code mandatory} (the broker returns it
 * when it cannot route it, rather than dropping it), and how it waits, for metrics ({@code window},
 * {@code cascade}, {@code plugin}, or {@code due}: not at all).
 */
public record Delayed(String exchange, String routingKey, Map<String, Object> headers, boolean mandatory, String via) {

    public Delayed {
        headers = Map.copyOf(headers);
    }

    /** A message already due: straight to the work queue, mandatory. */
    public static Delayed due() {
        return new Delayed(Topology.EXPIRY_EXCHANGE, Topology.EXPIRE_KEY, Map.of(), true, "due");
    }
}
