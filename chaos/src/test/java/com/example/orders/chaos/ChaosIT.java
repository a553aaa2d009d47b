package com.example.orders.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Jepsen-style: real processes, real broker and database, a workload, injected faults, and a check
 * of the contract's guarantees at the end. The default build runs the quick mixed scenario;
 * {@code -Pchaos-full} (scripts/chaos.sh) runs each fault on its own, two instances of each service,
 * and then all faults mixed.
 */
class ChaosIT {

    @BeforeAll
    static void freshSummary() throws Exception {
        Files.deleteIfExists(Report.FILE);
    }

    static Stream<Named<Scenario>> scenarios() {
        return Scenario.selected().stream().map(s -> Named.of(s.name(), s));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void noOrderIsLostOrCountedTwiceAndStockIsConservedUnderFaults(Scenario scenario) throws Exception {
        Report report = ChaosRun.run(scenario);
        report.print();

        assertThat(report.violations()).as("invariant violations").isEmpty();
        assertThat(report.faultCount())
                .as("faults injected")
                .isEqualTo(scenario.faults().size());
        assertThat(report.orders()).as("orders placed").isGreaterThan(scenario.orders() / 2);
        assertThat(report.paid()).as("orders paid").isPositive();
        assertThat(report.expired()).as("orders expired").isPositive();
        assertThat(report.deadLettered()).as("dead-lettered").isEqualTo(scenario.poisoned());
        if (scenario.faults().contains(Fault.LOST_MESSAGES) && report.faults().contains("messages deleted")) {
            assertThat(report.rescued()).as("orders the sweep rescued").isPositive();
        }
    }
}
