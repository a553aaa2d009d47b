package com.example.orders.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.orders.testsupport.Api;
import com.example.orders.testsupport.Metrics;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * On a private three-node MariaDB Galera cluster ({@link PrivateGaleraCluster}): two order-services
 * write through different nodes (each with a multi-host URL that starts at its own node) and the
 * workers through the third, while the storefront and the payment provider call either order-service,
 * so orders, payments and cancels of one order cross nodes and race its expiry. Galera answers a write
 * that lost against another node's with a deadlock (1213), which every service runs again; the
 * guarantees hold (the invariant checker as in every chaos run) and no answer is a {@code 500}.
 */
class GaleraChaosIT {

    private static final boolean FULL = "full".equals(System.getProperty("chaos.scenarios"));

    /**
     * The full run's load in every scenario: issue 20 asks for at least 2,000 orders each. A little
     * over, because some orders are refused for stock on the hot skus and only placed orders count.
     */
    private static final int FULL_ORDERS = Integer.getInteger("chaos.galera.orders", 2100);

    private static final Duration FULL_SPREAD = Duration.ofSeconds(Long.getLong("chaos.galera.spread.seconds", 80));

    /** Every build: short (300 orders over 30 s); the full run: as long as the fault scenarios. */
    private static final Scenario WRITERS = scenario(
            "galera-writers",
            "two order-services and the workers writing through three different Galera nodes",
            FULL ? FULL_ORDERS : 300,
            FULL ? FULL_SPREAD : Duration.ofSeconds(30));

    private static final Scenario NODE_KILL = scenario(
            "galera-node-kill",
            "the node order-service-1 writes to killed -9 and restarted; writers on three different nodes",
            FULL_ORDERS,
            FULL_SPREAD);

    private static final Scenario CLUSTER_DOWN = scenario(
            "galera-cluster-down",
            "every node stopped, then the cluster bootstrapped again; writers on three different nodes",
            FULL_ORDERS,
            FULL_SPREAD);

    /** This class's summary (the other chaos classes' files are theirs: ChaosIT empties its own first). */
    static final Path SUMMARY = Path.of("target", "chaos", "galera-summary.txt");

    private static final Duration DOWN = Duration.ofSeconds(15);

    /**
     * order-service as packaged, with client-side prepared statements, which the README tells an
     * operator never to change on Galera: on MariaDB 10.11.19 with galera-4 26.4.23 a
     * {@code COM_STMT_PREPARE} that is the first command after another node's write aborted the
     * connection's transaction swallows the deadlock error, and the rest of the transaction then runs
     * and commits as a new one, without the statements before it (checked with two nodes and plain
     * JDBC; the text protocol gets the 1213). With them on, these scenarios broke the guarantees
     * (docs/chaos.md); {@code -Dchaos.galera.server-prepared-statements=true} turns them on to see it.
     */
    static final Map<String, String> GALERA_SETTINGS = Boolean.getBoolean("chaos.galera.server-prepared-statements")
            ? Map.of(
                    "SPRING_APPLICATION_JSON",
                    "{\"spring.datasource.hikari.data-source-properties.useServerPrepStmts\": \"true\"}")
            : Map.of();

    private static final String PROBE = "galera-probe";

    private static final String HTTP_ANSWERS = "http_server_requests_seconds_count{";

    private static PrivateGaleraCluster galera;

    @BeforeAll
    static void privateCluster() throws Exception {
        Files.deleteIfExists(SUMMARY);
        Assumptions.assumeTrue(
                PrivateGaleraCluster.available(), "mariadbd, galera-4 (libgalera_smm.so) or rsync missing here");
        galera = PrivateGaleraCluster.create("galera", 3).use();
    }

    @AfterAll
    static void stopCluster() {
        if (galera != null) {
            galera.close();
        }
    }

    @Test
    void ordersWrittenThroughDifferentNodesKeepEveryGuaranteeAndNoAnswerIsA500() throws Exception {
        Outcome outcome = run(WRITERS, Settings.SWEEP_GRACE, (stack, ledger) -> {});

        assertGuaranteesHeld(WRITERS, outcome);
    }

    /**
     * The full run only ({@code -Pchaos-full}): the node order-service-1 writes to is killed -9 a third
     * into the load and started again at two thirds. Measured: how long from the kill until a write
     * through order-service-1 succeeds again (its pool moves to the next node of its URL once Galera
     * has dropped the dead one). No order that was answered 201 may be missing afterwards.
     */
    @Test
    void killingTheNodeAnOrderServiceWritesToLosesNoOrderAndNoAnswerIsA500() throws Exception {
        Assumptions.assumeTrue(FULL, "full chaos run only");
        AtomicReference<Duration> writesBack = new AtomicReference<>();
        Outcome outcome = run(
                NODE_KILL,
                ClusterChaosRun.SWEEP_GRACE,
                (stack, ledger) -> ChaosRun.injectSpread(NODE_KILL.spread(), List.of("kill", "restart"), step -> {
                    if (step.equals("kill")) {
                        Api first = stack.api().on(stack.orderServices.get(0).url());
                        putProbe(first, ledger);
                        galera.kill(0);
                        writesBack.set(untilAWriteSucceeds(first, ledger));
                    } else {
                        galera.restart(0);
                    }
                }));
        Report.print(
                "galera-node-kill: writes through order-service-1 succeeded again %s after the kill of its node%n"
                        .formatted(writesBack.get()),
                SUMMARY);

        assertGuaranteesHeld(NODE_KILL, outcome);
        assertThat(writesBack.get()).as("writes back after the kill").isLessThan(Duration.ofSeconds(60));
        assertThat(outcome.report().rescued())
                .as(
                        "orders the sweep rescued (%d s after a deadline): each a message lost",
                        ClusterChaosRun.SWEEP_GRACE.toSeconds())
                .isZero();
    }

    /**
     * The full run only: the whole cluster stopped (each node cleanly, one after the other) a third into
     * the load, kept down for {@link #DOWN}, and started again as the README tells an operator: the node
     * with {@code safe_to_bootstrap: 1} first, then the others. Meanwhile every request is answered 503;
     * afterwards the services serve again by themselves and every guarantee holds.
     */
    @Test
    void stoppingAndBootstrappingTheWholeClusterLosesNoOrderAndNoAnswerIsA500() throws Exception {
        Assumptions.assumeTrue(FULL, "full chaos run only");
        AtomicReference<String> recovery = new AtomicReference<>();
        Outcome outcome = run(
                CLUSTER_DOWN,
                ClusterChaosRun.SWEEP_GRACE,
                (stack, ledger) -> ChaosRun.injectSpread(CLUSTER_DOWN.spread(), List.of("stop"), step -> {
                    Api first = stack.api().on(stack.orderServices.get(0).url());
                    putProbe(first, ledger);
                    Instant stopped = Instant.now();
                    galera.stopAll();
                    try {
                        Thread.sleep(DOWN.toMillis()); // the outage's length, not a wait for a result
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    Instant restarting = Instant.now();
                    int bootstrapped = galera.bootstrapAgain();
                    Duration synced = Duration.between(restarting, Instant.now());
                    Duration writesBack = untilAWriteSucceeds(first, ledger);
                    recovery.set("stopped %s after the first node's stop began; node-%d bootstrapped, all Synced %s"
                                    .formatted(Duration.between(stopped, restarting), bootstrapped, synced)
                            + " after the restart began; writes through order-service-1 %s after that"
                                    .formatted(writesBack));
                }));
        Report.print("galera-cluster-down: %s%n".formatted(recovery.get()), SUMMARY);

        assertGuaranteesHeld(CLUSTER_DOWN, outcome);
        assertThat(outcome.report().rescued())
                .as(
                        "orders the sweep rescued (%d s after a deadline): each a message lost",
                        ClusterChaosRun.SWEEP_GRACE.toSeconds())
                .isZero();
    }

    private record Outcome(Report report, double answered500) {}

    /** Two order-services and two workers, the faults injected by the test itself. */
    private static Scenario scenario(String name, String what, int orders, Duration spread) {
        return new Scenario(name, what, 2, 2, orders, spread, List.of(), 0);
    }

    /**
     * A fresh stack on the cluster, order-service n writing through node n and the workers through the
     * last node; the workload with {@code faults} beside it; rest; the checker; the answers counted.
     * {@code sweepGrace}: longer than an outage lasts, an order the sweep rescues had its message lost,
     * not merely delayed by the outage.
     */
    private static Outcome run(Scenario scenario, Duration sweepGrace, BiConsumer<Stack, Ledger> faults)
            throws Exception {
        String database = Settings.SERVERS.databaseName();
        try (Stack stack = Stack.start(
                scenario.name(),
                scenario.orderServices(),
                scenario.workers(),
                Map.of(
                        "SPRING_DATASOURCE_URL",
                        galera.url(database, 2),
                        "EXPIRY_SWEEP_GRACE",
                        sweepGrace.toSeconds() + "s"),
                instance -> withGaleraSettings(Map.of("SPRING_DATASOURCE_URL", galera.url(database, instance))))) {
            Ledger ledger = new Ledger();
            Api api = stack.api();
            Workload workload = new Workload(
                    api,
                    ledger,
                    scenario.orders(),
                    scenario.spread(),
                    scenario.name().hashCode());
            workload.createProducts();
            CompletableFuture<Void> injecting = CompletableFuture.runAsync(() -> faults.accept(stack, ledger));
            workload.run();
            injecting.get(10, TimeUnit.MINUTES);

            Instant loadDone = Instant.now();
            ChaosRun.awaitRest(0);
            ChaosRun.awaitServicesUp(stack);
            Duration rest = Duration.between(loadDone, Instant.now());
            Files.writeString(stack.logDir.resolve("galera-at-rest.txt"), galera.diagnostics());
            List<String> violations = new InvariantChecker(ledger, api).check(Set.of());
            Report report = ChaosRun.report(scenario, stack, ledger, "see below", 0, rest, violations);
            Report.print(report.render(), SUMMARY);
            double answered500 = sumOverOrderServices(
                    stack, line -> line.startsWith(HTTP_ANSWERS) && line.contains("status=\"500\""));
            double retried = sumOverOrderServices(stack, line -> line.startsWith("orders_transaction_retries_total{"));
            double publishedAgain =
                    sumOverOrderServices(stack, line -> line.startsWith("orders_outbox_published_again_total"));
            Report.print(
                    ("%s: %d answers 500; order-service transactions run again after a conflict: %.0f;"
                                    + " messages published again by the outbox relay: %.0f%n%s%n")
                            .formatted(
                                    scenario.name(), (long) answered500, retried, publishedAgain, galera.diagnostics()),
                    SUMMARY);
            return new Outcome(report, answered500);
        }
    }

    /** {@code env} and {@link #GALERA_SETTINGS}. */
    static Map<String, String> withGaleraSettings(Map<String, String> env) {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.putAll(GALERA_SETTINGS);
        return all;
    }

    private static void assertGuaranteesHeld(Scenario scenario, Outcome outcome) {
        assertThat(outcome.report().violations()).as("invariant violations").isEmpty();
        assertThat(outcome.answered500()).as("answers 500").isZero();
        assertThat(outcome.report().orders()).as("orders placed").isGreaterThan(scenario.orders() / 2);
        assertThat(outcome.report().paid()).as("orders paid").isPositive();
        assertThat(outcome.report().expired()).as("orders expired").isPositive();
    }

    /** A product only the probe writes (stock 1 at every PUT), known to the checker's stock ledger. */
    private static Api.Response putProbe(Api api, Ledger ledger) {
        ledger.initialStock.put(PROBE, 1);
        return api.putProduct(PROBE, Map.of("name", "probe", "priceCents", 1, "stock", 1));
    }

    /** From now until a PUT through {@code api} succeeds (a 503 meanwhile is the expected answer). */
    private static Duration untilAWriteSucceeds(Api api, Ledger ledger) {
        Instant from = Instant.now();
        while (Duration.between(from, Instant.now()).compareTo(Duration.ofMinutes(3)) < 0) {
            try {
                if (putProbe(api, ledger).status() < 300) {
                    return Duration.between(from, Instant.now());
                }
            } catch (RuntimeException unanswered) {
                // the request timed out: try again
            }
            try {
                Thread.sleep(100); // the probe's pace, not a wait for a result
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return Duration.ofMinutes(3);
    }

    /** The sum of the samples {@code wanted} picks from the running order-services' metrics. */
    private static double sumOverOrderServices(Stack stack, Predicate<String> wanted) {
        HttpClient http = HttpClient.newHttpClient();
        double sum = 0;
        for (String url : stack.liveOrderServiceUrls()) {
            for (String line : Metrics.scrape(http, url).split("\n")) {
                if (wanted.test(line)) {
                    sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
        }
        return sum;
    }
}
