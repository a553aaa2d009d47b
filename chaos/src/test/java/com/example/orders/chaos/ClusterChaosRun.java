package com.example.orders.chaos;

import com.example.orders.testsupport.Api;
import com.example.orders.testsupport.Broker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs one {@link ClusterScenario} on the private cluster and database: a fresh stack connected to
 * all three nodes, the usual workload, the whole-server faults spread over it, rest, the checker.
 */
final class ClusterChaosRun {

    /**
     * The workers' sweep waits this long past a deadline, longer than any outage here lasts: an order
     * it still has to rescue had its message lost, not merely late.
     */
    static final Duration SWEEP_GRACE = Duration.ofSeconds(60);

    private ClusterChaosRun() {}

    private static final Pattern RESCUED = Pattern.compile("Order (\\S+) expired by the sweep");

    /**
     * The orders the sweep rescued whose message the broker's faults explain. During: a failover
     * between the order's creation and its deadline. In the delay cascade a message is dead-lettered
     * from level to level all through its delay (once per 1-bit), not only at its deadline, so any of
     * those moves can meet the failover. After: the message entered the broker after a failover began;
     * RabbitMQ 3.10's at-least-once dead-lettering can strand such messages too in a quorum queue
     * whose leader was killed earlier (the run counts the stranded messages; issue 9's finding).
     */
    record Rescues(long duringFailover, long afterFailover) {}

    static Rescues rescuedAtFailover(Stack stack, List<ClusterFaultInjector.Window> failovers) throws Exception {
        List<String> rescued = new ArrayList<>();
        try (Stream<Path> logs = Files.list(stack.logDir)) {
            for (Path log : logs.filter(l -> l.getFileName().toString().startsWith("expiry-worker"))
                    .toList()) {
                for (String line : Files.readAllLines(log)) {
                    Matcher matcher = RESCUED.matcher(line);
                    if (matcher.find()) {
                        rescued.add(matcher.group(1));
                    }
                }
            }
        }
        long during = 0;
        long after = 0;
        for (String id : rescued) {
            Instant[] waited = Settings.db()
                    .query(
                            "SELECT created_at, expires_at FROM orders WHERE id = ?",
                            rs -> new Instant[] {
                                rs.getObject(1, LocalDateTime.class).toInstant(ZoneOffset.UTC),
                                rs.getObject(2, LocalDateTime.class).toInstant(ZoneOffset.UTC)
                            },
                            id)
                    .get(0);
            if (failovers.stream().anyMatch(w -> w.overlaps(waited[0], waited[1]))) {
                during++;
            } else if (failovers.stream().anyMatch(w -> waited[1].isAfter(w.from()))) {
                after++;
            }
        }
        return new Rescues(during, after);
    }

    static ClusterReport run(ClusterScenario scenario, PrivateRabbitCluster cluster, PrivateMariaDb db)
            throws Exception {
        long seed = scenario.name().hashCode();
        try (Stack stack = Stack.start(
                scenario.name(),
                scenario.orderServices(),
                scenario.workers(),
                Map.of("EXPIRY_SWEEP_GRACE", SWEEP_GRACE.toSeconds() + "s"))) {
            Ledger ledger = new Ledger();
            Api api = stack.api();
            Workload workload = new Workload(api, ledger, scenario.orders(), scenario.spread(), seed);
            workload.createProducts();
            ClusterFaultInjector faults = new ClusterFaultInjector(cluster, db);

            CompletableFuture<Void> injecting = CompletableFuture.runAsync(
                    () -> ChaosRun.injectSpread(scenario.spread(), scenario.faults(), faults::inject));
            workload.run();
            injecting.get(15, TimeUnit.MINUTES);

            Instant loadDone = Instant.now();
            ChaosRun.awaitRest(0);
            ChaosRun.awaitServicesUp(stack);
            Duration rest = Duration.between(loadDone, Instant.now());
            Files.writeString(stack.logDir.resolve("cluster-at-rest.txt"), cluster.diagnostics());
            List<String> violations = new InvariantChecker(ledger, api).check(Set.of());
            Report report = ChaosRun.report(
                    scenario.asScenario(), stack, ledger, faults.describe(), faults.total(), rest, violations);
            return new ClusterReport(
                    report,
                    faults.recoveries(),
                    rescuedAtFailover(stack, faults.brokerFailovers()),
                    strandedOnceParksEnd(cluster));
        }
    }

    /**
     * Messages neither ready nor unacknowledged. On RabbitMQ 4.3 that is also a message parked in the work
     * queue until its deadline or a retry's back-off (at most {@code expiry.max-retry-delay}, 30 s): it
     * leaves the count when its time comes, while a message stranded by 3.10's dead-lettering stays. So the
     * count is taken again until it is 0, for up to 45 s (one 4.3 run counted a message parked again
     * after the leader kill, as stranded, seconds before its time).
     */
    private static long strandedOnceParksEnd(PrivateRabbitCluster cluster) throws InterruptedException {
        Instant until = Instant.now().plus(Duration.ofSeconds(45));
        long stranded = cluster.strandedMessages(Broker.PIPELINE_QUEUES);
        while (stranded > 0 && Instant.now().isBefore(until)) {
            Thread.sleep(1000); // the next look at the queues, not a wait for a result
            stranded = cluster.strandedMessages(Broker.PIPELINE_QUEUES);
        }
        return stranded;
    }
}
