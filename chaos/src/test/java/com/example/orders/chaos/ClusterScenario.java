package com.example.orders.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One run on a private three-node RabbitMQ cluster of {@code broker}'s release and the private MariaDB:
 * instances of each service, load, and whole-server faults spread over it. Every scenario runs on
 * RabbitMQ 4.3, the release a cluster needs; the full run adds one leader kill on the machine's 3.10,
 * which only reports what that broker strands (its at-least-once dead-lettering loses track of
 * messages after a leader failover, fixed in 3.10.20; Debian 12 ships 3.10.8).
 */
record ClusterScenario(
        RabbitRelease broker,
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
                RabbitRelease.V4_3,
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
                    RabbitRelease.V4_3,
                    fault.label(),
                    fault.description,
                    1,
                    1,
                    orders,
                    spread,
                    outage ? List.of(fault) : List.of(fault, fault)));
        }
        all.add(new ClusterScenario(
                RabbitRelease.V4_3,
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
        all.add(new ClusterScenario(
                RabbitRelease.MACHINE,
                ClusterFault.RABBIT_LEADER_KILL.label() + "-3.10",
                ClusterFault.RABBIT_LEADER_KILL.description + ", on RabbitMQ 3.10 (reports its stranding)",
                1,
                1,
                orders,
                spread,
                List.of(ClusterFault.RABBIT_LEADER_KILL, ClusterFault.RABBIT_LEADER_KILL)));
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
        return new Scenario(
                name + " (RabbitMQ " + broker.version + ")",
                what,
                orderServices,
                workers,
                orders,
                spread,
                List.of(),
                0);
    }
}
