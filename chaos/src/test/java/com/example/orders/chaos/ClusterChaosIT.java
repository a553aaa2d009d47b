package com.example.orders.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What production does to a broker and a database: on a private three-node RabbitMQ cluster (quorum
 * queues, the services connected to all three) and a private MariaDB, the node leading the expiry
 * queue is killed, the whole cluster is stopped for a while, the database is killed and stopped.
 * Every guarantee holds and the backlog drains after each fault. The workers' sweep waits longer than
 * any outage lasts, so an order it still has to rescue had its message lost: that is allowed only for
 * orders whose message was waiting in the broker while a node or the cluster was down (RabbitMQ 3.10
 * strands messages a killed leader was dead-lettering, and the cascade dead-letters all through a
 * delay; see docs/chaos.md), and counted. The default build runs one
 * short scenario; {@code -Pchaos-full} runs all of them.
 */
class ClusterChaosIT {

    private static PrivateMariaDb db;
    private static PrivateRabbitCluster cluster;

    @BeforeAll
    static void privateServers() throws Exception {
        Assumptions.assumeTrue(PrivateMariaDb.available(), "mariadbd is not installed here");
        Assumptions.assumeTrue(PrivateRabbitCluster.available(), "rabbitmq-server is not installed here");
        Files.deleteIfExists(ClusterReport.FILE);
        db = PrivateMariaDb.create("mariadb-cluster").use();
        cluster = PrivateRabbitCluster.create("rabbit-cluster", 3).use();
    }

    @AfterAll
    static void stopServers() {
        if (cluster != null) {
            cluster.close();
        }
        if (db != null) {
            db.close();
        }
    }

    static Stream<Named<ClusterScenario>> scenarios() {
        return ClusterScenario.selected().stream().map(s -> Named.of(s.name(), s));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void noOrderIsLostOrCountedTwiceWhenBrokerNodesAndTheDatabaseCrashOrStop(ClusterScenario scenario)
            throws Exception {
        ClusterReport result = ClusterChaosRun.run(scenario, cluster, db);
        result.print();
        Report report = result.report();

        assertThat(report.violations()).as("invariant violations").isEmpty();
        assertThat(report.faultCount())
                .as("faults injected")
                .isEqualTo(scenario.faults().size());
        assertThat(report.orders()).as("orders placed").isGreaterThan(scenario.orders() / 2);
        assertThat(report.paid()).as("orders paid").isPositive();
        assertThat(report.expired()).as("orders expired").isPositive();
        assertThat(report.deadLettered()).as("dead-lettered").isZero();
        assertThat(result.unexplainedRescues())
                .as(
                        "orders the sweep rescued (%d s after a deadline) whose message no broker fault explains: a lost message",
                        ClusterChaosRun.SWEEP_GRACE.toSeconds())
                .isZero();
        assertThat(result.slowestRecovery()).as("slowest recovery").isLessThan(Duration.ofMinutes(3));
    }
}
