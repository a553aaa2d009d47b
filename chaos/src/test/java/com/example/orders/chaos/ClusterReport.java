package com.example.orders.chaos;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A cluster scenario's summary: the usual one-screen report, how many of the orders the sweep rescued
 * had their deadline while a broker node or the cluster was down, and each fault's recovery time
 * (fault over to backlog drained), printed and appended to {@code target/chaos/cluster-summary.txt}.
 */
record ClusterReport(Report report, List<Duration> recoveries, ClusterChaosRun.Rescues rescues, long stranded) {

    static final Path FILE = Path.of("target", "chaos", "cluster-summary.txt");

    /**
     * Rescues no broker fault explains: a lost message. A rescue after a failover counts as explained
     * only up to the number of messages the broker reports stranded.
     */
    long unexplainedRescues() {
        return report.rescued() - rescues.duringFailover() - Math.min(rescues.afterFailover(), stranded);
    }

    Duration slowestRecovery() {
        return recoveries.stream().max(Duration::compareTo).orElse(Duration.ZERO);
    }

    String render() {
        String each = recoveries.stream()
                .map(d -> "%.1f s".formatted(d.toMillis() / 1000.0))
                .collect(Collectors.joining(", "));
        return report.render()
                + ("of those rescued, message waiting in the broker during a failover %d, entered after one %d"
                                + " | messages stranded in the broker's dead-lettering %d%n")
                        .formatted(rescues.duringFailover(), rescues.afterFailover(), stranded)
                + "recovery (fault over -> backlog drained): " + (each.isEmpty() ? "none" : each) + "\n";
    }

    void print() {
        Report.print(render(), FILE);
    }
}
