package com.example.orders.chaos;

import com.example.orders.contracts.Topology;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Injects whole-server faults into the private cluster and database, one at a time, and after each
 * measures the recovery: from the fault being over (the server back) until the backlog is drained
 * (no order more than 2 s past its deadline still PENDING, no outbox message older than 2 s unsent).
 */
final class ClusterFaultInjector {

    static final Duration OUTAGE = Duration.ofSeconds(20);

    private static final Duration RECOVERY_WITHIN = Duration.ofMinutes(3);

    private static final String BACKLOG = """
            SELECT (SELECT COUNT(*) FROM orders
                    WHERE status = 'PENDING' AND expires_at < TIMESTAMPADD(SECOND, -2, NOW(3)))
                 + (SELECT COUNT(*) FROM outbox
                    WHERE sent_at IS NULL AND created_at < TIMESTAMPADD(SECOND, -2, NOW(3)))
            """;

    private final PrivateRabbitCluster cluster;
    private final PrivateMariaDb db;
    private final Map<ClusterFault, Integer> injected = new EnumMap<>(ClusterFault.class);
    private final List<String> leadersKilled = new ArrayList<>();
    private final List<Duration> recoveries = new ArrayList<>();
    private final List<Window> brokerFailovers = new ArrayList<>();

    /** From the moment a broker fault began until the node or cluster was back. */
    record Window(Instant from, Instant to) {

        boolean overlaps(Instant start, Instant end) {
            return !end.isBefore(from) && !start.isAfter(to);
        }
    }

    ClusterFaultInjector(PrivateRabbitCluster cluster, PrivateMariaDb db) {
        this.cluster = cluster;
        this.db = db;
    }

    void inject(ClusterFault fault) {
        switch (fault) {
            case RABBIT_LEADER_KILL -> {
                PrivateRabbitCluster.Node leader = cluster.leaderOf(Topology.EXPIRY_QUEUE);
                leadersKilled.add(leader.name());
                Instant from = Instant.now();
                cluster.kill(leader);
                cluster.start(leader);
                brokerFailovers.add(new Window(from, Instant.now()));
            }
            case RABBIT_CLUSTER_DOWN -> {
                Instant from = Instant.now();
                cluster.stopAll();
                pauseUntil(from.plus(OUTAGE));
                cluster.startAll();
                brokerFailovers.add(new Window(from, Instant.now()));
            }
            case DATABASE_KILL -> {
                db.kill();
                db.start();
            }
            case DATABASE_DOWN -> {
                Instant back = Instant.now().plus(OUTAGE);
                db.stop();
                pauseUntil(back);
                db.start();
            }
        }
        injected.merge(fault, 1, Integer::sum);
        recoveries.add(measureRecovery());
    }

    int total() {
        return injected.values().stream().mapToInt(Integer::intValue).sum();
    }

    List<Window> brokerFailovers() {
        return brokerFailovers;
    }

    List<Duration> recoveries() {
        return recoveries;
    }

    String describe() {
        List<String> parts = new ArrayList<>();
        injected.forEach((fault, n) -> parts.add(fault.label() + " x" + n));
        if (!leadersKilled.isEmpty()) {
            parts.add("leaders killed " + String.join(", ", leadersKilled));
        }
        brokerFailovers.forEach(w -> parts.add("broker back after %d s"
                .formatted(Duration.between(w.from(), w.to()).toSeconds())));
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }

    private static Duration measureRecovery() {
        Instant over = Instant.now();
        Instant giveUp = over.plus(RECOVERY_WITHIN);
        while (Instant.now().isBefore(giveUp)) {
            try {
                if (Settings.db().count(BACKLOG) == 0) {
                    return Duration.between(over, Instant.now());
                }
            } catch (IllegalStateException stillAway) {
                // the database is not answering yet
            }
            pauseUntil(Instant.now().plusMillis(250));
        }
        return RECOVERY_WITHIN;
    }

    private static void pauseUntil(Instant when) {
        long millis = Duration.between(Instant.now(), when).toMillis();
        if (millis > 0) {
            try {
                Thread.sleep(millis); // the length of the outage, not a wait for a result
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
