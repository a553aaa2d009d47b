package com.example.orders.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One run on the private three-node RabbitMQ cluster and the private MariaDB: instances of each
 * service, load, and whole-server faults spread over it.
 */
record ClusterScenario(
        String name,
        String what,
        int orderServices,
        int workers,
        int orders,
        Duration spread,
        List<ClusterFault> faults) {

    /** The quick build's one short cluster scenario. */
    static List<ClusterScenario> quick() {
        return List.of(new ClusterScenario(
                "rabbit-leader-kill-quick",
                ClusterFault.RABBIT_LEADER_KILL.description + ", short",
                1,
                1,
                200,
                Duration.ofSeconds(25),
                List.of(ClusterFault.RABBIT_LEADER_KILL)));
    }

    static List<ClusterScenario> full() {
        int orders = Integer.getInteger("chaos.cluster.orders", 400);
        Duration spread = Duration.ofSeconds(Long.getLong("chaos.cluster.spread.seconds", 30));
        List<ClusterScenario> all = new ArrayList<>();
        for (ClusterFault fault : ClusterFault.values()) {
            boolean outage = fault == ClusterFault.RABBIT_CLUSTER_DOWN || fault == ClusterFault.DATABASE_DOWN;
            all.add(new ClusterScenario(
                    fault.label(),
                    fault.description,
                    1,
                    1,
                    orders,
                    spread,
                    outage ? List.of(fault) : List.of(fault, fault)));
        }
        all.add(new ClusterScenario(
                "cluster-mixed",
                "every whole-server fault once, two of each service",
                2,
                2,
                orders * 2,
                spread.multipliedBy(2),
                List.of(
                        ClusterFault.RABBIT_LEADER_KILL,
                        ClusterFault.DATABASE_KILL,
                        ClusterFault.RABBIT_CLUSTER_DOWN,
                        ClusterFault.DATABASE_DOWN)));
        return all;
    }

    /** Every scenario with the chaos-full profile, else the quick one; {@code -Dchaos.cluster.only=a,b} picks by name. */
    static List<ClusterScenario> selected() {
        String only = System.getProperty("chaos.cluster.only", "");
        if (!only.isBlank()) {
            List<String> names = List.of(only.split(","));
            return java.util.stream.Stream.concat(quick().stream(), full().stream())
                    .filter(s -> names.contains(s.name()))
                    .toList();
        }
        return "full".equals(System.getProperty("chaos.scenarios")) ? full() : quick();
    }

    /** The summary's shape is the other scenarios' one. */
    Scenario asScenario() {
        return new Scenario(name, what, orderServices, workers, orders, spread, List.of(), 0);
    }
}
