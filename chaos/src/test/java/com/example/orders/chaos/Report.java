package com.example.orders.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/** The one-screen summary of a scenario, printed and appended to target/chaos/summary.txt. */
record Report(
        Scenario scenario,
        int orders,
        long paid,
        long expired,
        long cancelled,
        int outOfStock,
        int paymentsAccepted,
        int paymentsRefused,
        int cancelsAccepted,
        int cancelsRefused,
        String faults,
        int faultCount,
        long rescued,
        long republished,
        long deadLettered,
        int serverErrorsRetried,
        Duration quiescence,
        List<String> violations) {

    static final Path FILE = Path.of("target", "chaos", "summary.txt");

    /** Lines containing {@code marker} in every log of the stack's workers (they survive kill -9). */
    static long countInWorkerLogs(Stack stack, String marker) {
        try (Stream<Path> logs = Files.list(stack.logDir)) {
            return logs.filter(log -> log.getFileName().toString().startsWith("expiry-worker"))
                    .mapToLong(log -> {
                        try (Stream<String> lines = Files.lines(log)) {
                            return lines.filter(line -> line.contains(marker)).count();
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String render() {
        var out = new StringBuilder();
        out.append("=== chaos scenario %s: %s (%d order-service, %d expiry-worker) ===%n"
                .formatted(scenario.name(), scenario.what(), scenario.orderServices(), scenario.workers()));
        out.append("orders %d (paid %d, expired %d, cancelled %d); refused for stock %d%n"
                .formatted(orders, paid, expired, cancelled, outOfStock));
        out.append("payments accepted %d, refused 409 %d; cancels accepted %d, refused 409 %d; 5xx answers retried %d%n"
                .formatted(paymentsAccepted, paymentsRefused, cancelsAccepted, cancelsRefused, serverErrorsRetried));
        out.append("faults injected %d: %s%n".formatted(faultCount, faults));
        out.append("rescued by the sweep %d | republished %d | dead-lettered %d (poisoned on purpose %d)%n"
                .formatted(rescued, republished, deadLettered, scenario.poisoned()));
        out.append(
                "at rest after %d s | invariant violations %d%n".formatted(quiescence.toSeconds(), violations.size()));
        violations.stream()
                .limit(15)
                .forEach(v -> out.append("  VIOLATION ").append(v).append('\n'));
        if (violations.size() > 15) {
            out.append("  ... and ").append(violations.size() - 15).append(" more\n");
        }
        return out.toString();
    }

    void print() {
        print(render(), FILE);
    }

    /** Prints a summary to the build log and appends it to {@code file}. */
    static void print(String text, Path file) {
        System.out.println(text);
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
