package com.example.orders.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One chaos run: how many instances of each service, how much load, and which faults are injected,
 * spread evenly over the load.
 *
 * @param poisoned malformed messages published on purpose: the dead-letter queue must hold exactly these
 */
record Scenario(
        String name,
        String what,
        int orderServices,
        int workers,
        int orders,
        Duration spread,
        List<Fault> faults,
        int poisoned) {

    static List<Scenario> quick() {
        return List.of(new Scenario(
                "mixed-quick",
                "every fault once, short",
                1,
                2,
                300,
                Duration.ofSeconds(40),
                List.of(
                        Fault.LOST_MESSAGES,
                        Fault.WORKER_KILL,
                        Fault.DUPLICATES,
                        Fault.BROKER_CONNECTIONS,
                        Fault.DATABASE_CONNECTIONS,
                        Fault.ORDER_SERVICE_KILL),
                2));
    }

    static List<Scenario> full() {
        int orders = Integer.getInteger("chaos.orders", 1200);
        Duration spread = Duration.ofSeconds(Long.getLong("chaos.spread.seconds", 50));
        List<Scenario> all = new ArrayList<>();
        for (Fault fault : Fault.values()) {
            all.add(new Scenario(
                    fault.name().toLowerCase().replace('_', '-'),
                    fault.description,
                    1,
                    1,
                    orders,
                    spread,
                    List.of(fault, fault, fault),
                    0));
        }
        all.add(new Scenario(
                "two-of-each", "two order-services and two workers at once", 2, 2, orders, spread, List.of(), 0));
        List<Fault> mixed = new ArrayList<>(List.of(Fault.values()));
        mixed.addAll(List.of(Fault.values()));
        java.util.Collections.shuffle(mixed, new java.util.Random(4));
        all.add(new Scenario(
                "mixed", "every fault twice, two of each service", 2, 2, orders * 2, spread.multipliedBy(2), mixed, 3));
        return all;
    }

    /** {@code -Dchaos.scenarios=full} (the chaos-full profile) runs every scenario; otherwise the quick one. */
    static List<Scenario> selected() {
        return "full".equals(System.getProperty("chaos.scenarios")) ? full() : quick();
    }
}
