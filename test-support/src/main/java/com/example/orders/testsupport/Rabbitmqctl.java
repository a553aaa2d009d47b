package com.example.orders.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** rabbitmqctl, for what AMQP does not show or do: queue states with unacked counts, closing connections. */
public final class Rabbitmqctl {

    private final List<String> command;

    /** {@code command}: how to call it ({@code rabbitmqctl}, or aimed at a private node). */
    public Rabbitmqctl(List<String> command) {
        this.command = List.copyOf(command);
    }

    public record QueueState(long ready, long unacked) {}

    /**
     * The command line that reaches the tests' broker: {@code <prefix>_RABBITMQCTL} (words split on
     * spaces; scripts/test.sh sets {@code scripts/rabbitmq4.sh ctl} for its RabbitMQ 4.3 pass), else the
     * machine's {@code rabbitmqctl}.
     */
    public static List<String> commandFromEnv(String prefix) {
        return List.of(
                Servers.env(prefix + "_RABBITMQCTL", "rabbitmqctl").trim().split("\\s+"));
    }

    /** Ready and unacknowledged messages of each queue of the vhost. */
    public Map<String, QueueState> queues(String vhost) {
        String out = run(
                "-q",
                "list_queues",
                "-p",
                vhost,
                "--no-table-headers",
                "name",
                "messages_ready",
                "messages_unacknowledged");
        Map<String, QueueState> queues = new HashMap<>();
        for (String line : out.split("\n")) {
            String[] cols = line.trim().split("\\s+");
            if (cols.length == 3 && cols[1].matches("\\d+")) {
                queues.put(cols[0], new QueueState(Long.parseLong(cols[1]), Long.parseLong(cols[2])));
            }
        }
        return queues;
    }

    /** Closes every client connection of the vhost (and only of the vhost). */
    public void closeAllConnections(String vhost, String reason) {
        run("-q", "close_all_connections", "-p", vhost, reason);
    }

    public String run(String... args) {
        List<String> line = new ArrayList<>(command);
        line.addAll(List.of(args));
        return exec(line);
    }

    /** Runs a command line and returns its output; throws if it fails or takes over a minute. */
    public static String exec(List<String> command) {
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(command.get(0) + " could not be run", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
