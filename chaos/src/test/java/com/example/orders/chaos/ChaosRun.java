package com.example.orders.chaos;

import static org.awaitility.Awaitility.await;

import com.example.orders.contracts.Topology;
import com.example.orders.testsupport.Api;
import com.example.orders.testsupport.Broker;
import com.example.orders.testsupport.Rabbitmqctl;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Runs one {@link Scenario}: a fresh stack, the workload, the faults spread over it, then waits
 * (bounded) for the system to come to rest and runs the {@link InvariantChecker}.
 */
final class ChaosRun {

    static final Duration REST_WITHIN = Duration.ofMinutes(3);

    private ChaosRun() {}

    static Report run(Scenario scenario) throws Exception {
        long seed = scenario.name().hashCode();
        try (Stack stack = Stack.start(scenario.name(), scenario.orderServices(), scenario.workers())) {
            Ledger ledger = new Ledger();
            Api api = stack.api();
            Workload workload = new Workload(api, ledger, scenario.orders(), scenario.spread(), seed);
            workload.createProducts();
            Set<String> poisoned = poison(scenario.poisoned());
            FaultInjector faults = new FaultInjector(stack, seed);

            CompletableFuture<Void> injecting = CompletableFuture.runAsync(
                    () -> injectSpread(scenario.spread(), scenario.faults(), faults::inject));
            workload.run();
            injecting.get(10, TimeUnit.MINUTES);

            Instant loadDone = Instant.now();
            awaitRest(poisoned.size());
            awaitServicesUp(stack);
            Duration rest = Duration.between(loadDone, Instant.now());
            List<String> violations = new InvariantChecker(ledger, api).check(poisoned);
            return report(scenario, stack, ledger, faults.describe(), faults.total(), rest, violations);
        }
    }

    /** The summary of a finished run, from the ledger, the database and the workers' logs. */
    static Report report(
            Scenario scenario,
            Stack stack,
            Ledger ledger,
            String faults,
            int faultCount,
            Duration rest,
            List<String> violations) {
        return new Report(
                scenario,
                ledger.orders.size(),
                Settings.db().count("SELECT COUNT(*) FROM orders WHERE status = 'PAID'"),
                Settings.db().count("SELECT COUNT(*) FROM orders WHERE status = 'EXPIRED'"),
                Settings.db().count("SELECT COUNT(*) FROM orders WHERE status = 'CANCELLED'"),
                ledger.outOfStock.get(),
                ledger.acceptedPayments.size(),
                ledger.refusedPayments.size(),
                ledger.acceptedCancels.size(),
                ledger.refusedCancels.size(),
                faults,
                faultCount,
                Report.countInWorkerLogs(stack, "expired by the sweep"),
                Report.countInWorkerLogs(stack, "republish #") + Report.countInWorkerLogs(stack, "ms early; waiting"),
                Report.countInWorkerLogs(stack, "Expiry message dead-lettered"),
                ledger.serverErrorsRetried.get(),
                rest,
                violations);
    }

    /** Faults at even intervals over the load; each waits for the one before (a restart takes a while). */
    static <F> void injectSpread(Duration spread, List<F> plan, java.util.function.Consumer<F> inject) {
        long step = spread.toMillis() / (plan.size() + 1);
        long start = System.currentTimeMillis();
        for (int i = 0; i < plan.size(); i++) {
            long wait = start + (i + 1) * step - System.currentTimeMillis();
            if (wait > 0) {
                try {
                    Thread.sleep(wait); // the fault schedule, not a wait for a result
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            inject.accept(plan.get(i));
        }
    }

    /** Malformed messages published on purpose: they, and only they, must end in the dead-letter queue. */
    private static Set<String> poison(int count) {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < count; i++) {
            String body = i % 2 == 0 ? "chaos poison " + i : "{\"schemaVersion\":1,\"orderId\":";
            ids.add(Settings.withBroker(
                    broker -> broker.publishExpiry(body.getBytes(StandardCharsets.UTF_8), Map.of())));
        }
        return ids;
    }

    /**
     * At rest also means every running service answers UP: after a database outage a service's pool
     * reconnects a moment after the database is back, and answers 503 until then. One still down after
     * {@link #REST_WITHIN} is left to the checker, whose API reads then show it.
     */
    static void awaitServicesUp(Stack stack) {
        try {
            stack.awaitUp(REST_WITHIN);
        } catch (IllegalStateException notUp) {
            // reported by the checker
        }
    }

    /** At rest: no order PENDING, the outbox published, the pipeline queues empty, the poison parked. */
    static void awaitRest(int poisoned) {
        try {
            await().atMost(REST_WITHIN)
                    .pollInterval(Duration.ofSeconds(1))
                    .ignoreExceptions()
                    .until(() -> {
                        if (Settings.db().count("SELECT COUNT(*) FROM orders WHERE status = 'PENDING'") > 0
                                || Settings.db().count("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL") > 0) {
                            return false;
                        }
                        Map<String, Rabbitmqctl.QueueState> queues =
                                Settings.rabbitmqctl().queues(Settings.vhost());
                        boolean drained = Broker.PIPELINE_QUEUES.stream()
                                .map(queues::get)
                                .allMatch(q -> q == null || q.ready() + q.unacked() == 0);
                        Rabbitmqctl.QueueState dlq = queues.get(Topology.DEAD_LETTER_QUEUE);
                        return drained && (poisoned == 0 || (dlq != null && dlq.ready() >= poisoned));
                    });
        } catch (ConditionTimeoutException notAtRest) {
            // the checker lists what is still moving
        }
    }
}
