package com.example.orders.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.orders.testsupport.Api;
import com.example.orders.testsupport.Metrics;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    private static final Scenario WRITERS = new Scenario(
            "galera-writers",
            "two order-services and the workers writing through three different Galera nodes",
            2,
            2,
            300,
            Duration.ofSeconds(30),
            List.of(),
            0);

    private static final String HTTP_ANSWERS = "http_server_requests_seconds_count{";

    private static PrivateGaleraCluster galera;

    @BeforeAll
    static void privateCluster() {
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
        String database = Settings.SERVERS.databaseName();
        try (Stack stack = Stack.start(
                WRITERS.name(),
                WRITERS.orderServices(),
                WRITERS.workers(),
                Map.of("SPRING_DATASOURCE_URL", galera.url(database, 2)),
                instance -> Map.of("SPRING_DATASOURCE_URL", galera.url(database, instance)))) {
            Ledger ledger = new Ledger();
            Api api = stack.api();
            Workload workload = new Workload(
                    api,
                    ledger,
                    WRITERS.orders(),
                    WRITERS.spread(),
                    WRITERS.name().hashCode());
            workload.createProducts();
            workload.run();

            Instant loadDone = Instant.now();
            ChaosRun.awaitRest(0);
            ChaosRun.awaitServicesUp(stack);
            Duration rest = Duration.between(loadDone, Instant.now());
            Files.writeString(stack.logDir.resolve("galera-at-rest.txt"), galera.diagnostics());
            List<String> violations = new InvariantChecker(ledger, api).check(Set.of());
            Report report = ChaosRun.report(WRITERS, stack, ledger, "none", 0, rest, violations);
            report.print();
            double answered500 = sumOverOrderServices(
                    stack, line -> line.startsWith(HTTP_ANSWERS) && line.contains("status=\"500\""));
            double retried = sumOverOrderServices(stack, line -> line.startsWith("orders_transaction_retries_total{"));
            Report.print(
                    "galera-writers: %d answers 500; order-service transactions run again after a conflict: %.0f%n%s%n"
                            .formatted((long) answered500, retried, galera.diagnostics()),
                    Report.FILE);

            assertThat(violations).as("invariant violations").isEmpty();
            assertThat(answered500).as("answers 500").isZero();
            assertThat(report.orders()).as("orders placed").isGreaterThan(WRITERS.orders() / 2);
            assertThat(report.paid()).as("orders paid").isPositive();
            assertThat(report.expired()).as("orders expired").isPositive();
        }
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
