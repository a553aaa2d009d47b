package com.example.orders.chaos;

import static org.awaitility.Awaitility.await;

import com.example.orders.testsupport.Rabbitmqctl;
import com.example.orders.testsupport.Servers;
import com.example.orders.testsupport.ServiceProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A RabbitMQ cluster of the test's own, of either {@link RabbitRelease}: nodes {@code chaos<i>@localhost},
 * each with its own AMQP and distribution port, config file ({@code listeners.tcp.local}), data and
 * log directories under the release's {@link RabbitRelease#directory}, and an Erlang cookie of their own
 * (so a command meant for them can never reach the machine's shared node, which this class never
 * addresses). Nodes can be killed with SIGKILL, restarted, and all stopped and started again.
 */
final class PrivateRabbitCluster implements AutoCloseable {

    private static final Duration UP_WITHIN = Duration.ofMinutes(3);

    private final RabbitRelease release;
    private final Path dir;
    private final List<Node> nodes;
    private Servers restore;
    private List<String> restoreCtl;
    private boolean used;

    record Node(String name, int amqpPort, int distPort) {}

    private PrivateRabbitCluster(RabbitRelease release, Path dir, List<Node> nodes) {
        this.release = release;
        this.dir = dir;
        this.nodes = nodes;
    }

    /** Fresh directories, every node started, the others joined to the first, the chaos vhost created. */
    static PrivateRabbitCluster create(RabbitRelease release, String name, int size) {
        Path dir = release.directory(name);
        List<Node> nodes = IntStream.rangeClosed(1, size)
                .mapToObj(i -> new Node(
                        "chaos%d@localhost".formatted(i), ServiceProcess.freePort(), ServiceProcess.freePort()))
                .toList();
        PrivateRabbitCluster cluster = new PrivateRabbitCluster(release, dir, nodes);
        try {
            PrivateMariaDb.deleteTree(dir);
            Files.createDirectories(dir.resolve("home"));
            Path cookie = dir.resolve("home").resolve(".erlang.cookie");
            byte[] secret = new byte[20];
            new SecureRandom().nextBytes(secret);
            Files.writeString(cookie, HexFormat.of().formatHex(secret).toUpperCase());
            Files.setPosixFilePermissions(cookie, PosixFilePermissions.fromString("r--------"));
            Files.writeString(dir.resolve("enabled_plugins"), "[].\n");
            Files.writeString(dir.resolve("rabbitmq-env.conf"), "");
            for (Node node : nodes) {
                Files.writeString(
                        dir.resolve(node.name() + ".conf"),
                        "listeners.tcp.local = 127.0.0.1:%d%nloopback_users = none%n".formatted(node.amqpPort()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        release.own(dir);
        Runtime.getRuntime().addShutdownHook(new Thread(cluster::killAll));
        nodes.forEach(cluster::launch);
        nodes.forEach(cluster::awaitUp);
        for (Node node : nodes.subList(1, nodes.size())) {
            cluster.ctl(node, "stop_app");
            cluster.ctl(node, "join_cluster", nodes.get(0).name());
            cluster.ctl(node, "start_app");
        }
        cluster.ctl(nodes.get(0), "add_vhost", Settings.vhost());
        cluster.ctl(nodes.get(0), "set_permissions", "-p", Settings.vhost(), "guest", ".*", ".*", ".*");
        return cluster;
    }

    /** What a node says about the cluster and the chaos vhost's queues, for the scenario's log directory. */
    String diagnostics() {
        return askAnyNode("list_queues", "name", "leader", "messages", "messages_ready", "messages_unacknowledged");
    }

    /**
     * Messages a queue holds that are neither ready nor unacknowledged: on RabbitMQ 3.10, those a quorum
     * queue dead-lettered (at least once) but never handed on, stranded after a leader was killed.
     */
    long strandedMessages(List<String> queues) {
        long stranded = 0;
        String out = askAnyNode("list_queues", "name", "messages", "messages_ready", "messages_unacknowledged");
        for (String line : out.split("\n")) {
            String[] cols = line.trim().split("\\s+");
            if (cols.length == 4 && queues.contains(cols[0]) && cols[1].matches("\\d+")) {
                stranded += Long.parseLong(cols[1]) - Long.parseLong(cols[2]) - Long.parseLong(cols[3]);
            }
        }
        return stranded;
    }

    RabbitRelease release() {
        return release;
    }

    List<Node> nodes() {
        return nodes;
    }

    /** {@code 127.0.0.1:port,...} of every node, as {@code SPRING_RABBITMQ_ADDRESSES} takes them. */
    String addresses() {
        return nodes.stream().map(n -> "127.0.0.1:" + n.amqpPort()).collect(Collectors.joining(","));
    }

    /** Points the chaos run's broker (services and {@link Settings#broker}) at this cluster until {@link #close}. */
    PrivateRabbitCluster use() {
        if (used) {
            return this;
        }
        restore = Settings.SERVERS;
        restoreCtl = Settings.RABBITMQCTL;
        used = true;
        Settings.SERVERS = restore.withRabbitAddresses(addresses());
        aimCtlAt(nodes.get(0));
        return this;
    }

    /** The node leading a quorum queue of the chaos vhost, by rabbitmqctl's {@code leader} column. */
    Node leaderOf(String queue) {
        for (String line : askAnyNode("list_queues", "name", "leader").split("\n")) {
            String[] cols = line.trim().split("\\s+");
            if (cols.length == 2 && cols[0].equals(queue)) {
                return nodes.stream()
                        .filter(n -> n.name().equals(cols[1]))
                        .findFirst()
                        .orElseThrow(() -> new IllegalStateException(queue + " led by unknown " + cols[1]));
            }
        }
        throw new IllegalStateException("no node knows queue " + queue);
    }

    /** SIGKILL of the node's Erlang VM: no goodbye to its peers or clients. */
    void kill(Node node) {
        if (Settings.RABBITMQCTL.contains(node.name())) {
            nodes.stream().filter(n -> n != node).findFirst().ifPresent(this::aimCtlAt);
        }
        pid(node).flatMap(ProcessHandle::of).ifPresent(beam -> {
            beam.destroyForcibly();
            beam.onExit().orTimeout(60, TimeUnit.SECONDS).join();
        });
    }

    /** Starts a stopped or killed node again and waits until it runs (it rejoins the cluster by itself). */
    void start(Node node) {
        launch(node);
        awaitUp(node);
    }

    /** A clean stop of every node, the last one last. */
    void stopAll() {
        for (Node node : nodes) {
            try {
                ctl(node, "stop");
            } catch (IllegalStateException alreadyDown) {
                // nothing to stop
            }
        }
    }

    /** Every node launched at once (each waits for its peers' tables), then awaited. */
    void startAll() {
        nodes.forEach(this::launch);
        nodes.forEach(this::awaitUp);
        aimCtlAt(nodes.get(0));
    }

    @Override
    public void close() {
        if (used) {
            Settings.SERVERS = restore;
            Settings.RABBITMQCTL = restoreCtl;
            used = false;
        }
        stopAll();
        killAll();
    }

    private void killAll() {
        nodes.forEach(node -> pid(node).flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroyForcibly));
    }

    private void aimCtlAt(Node node) {
        if (used) {
            List<String> command = new ArrayList<>(ctlCommand());
            command.addAll(List.of("-n", node.name()));
            Settings.RABBITMQCTL = List.copyOf(command);
        }
    }

    private List<String> ctlCommand() {
        return release.command("rabbitmqctl", commonEnv());
    }

    /** What every program of this cluster is run with: its home (the cookie) and its empty env file. */
    private Map<String, String> commonEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HOME", release.seenByBroker(dir.resolve("home")));
        env.put("RABBITMQ_CONF_ENV_FILE", release.seenByBroker(dir.resolve("rabbitmq-env.conf")));
        return env;
    }

    private Path pidFile(Node node) {
        return dir.resolve(node.name() + ".pid");
    }

    private java.util.Optional<Long> pid(Node node) {
        try {
            return java.util.Optional.of(
                    Long.parseLong(Files.readString(pidFile(node)).trim()));
        } catch (IOException | NumberFormatException e) {
            return java.util.Optional.empty();
        }
    }

    private void launch(Node node) {
        try {
            Files.deleteIfExists(pidFile(node));
            Map<String, String> env = commonEnv();
            env.put("RABBITMQ_NODENAME", node.name());
            env.put("RABBITMQ_DIST_PORT", Integer.toString(node.distPort()));
            env.put("RABBITMQ_CONFIG_FILE", release.seenByBroker(dir.resolve(node.name() + ".conf")));
            env.put("RABBITMQ_MNESIA_BASE", release.seenByBroker(dir.resolve("mnesia")));
            env.put("RABBITMQ_LOG_BASE", release.seenByBroker(dir.resolve("log")));
            env.put("RABBITMQ_PID_FILE", release.seenByBroker(pidFile(node)));
            env.put("RABBITMQ_ENABLED_PLUGINS_FILE", release.seenByBroker(dir.resolve("enabled_plugins")));
            env.put("ERL_EPMD_ADDRESS", "127.0.0.1");
            env.put("RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", "-kernel inet_dist_use_interface {127,0,0,1}");
            new ProcessBuilder(release.command("rabbitmq-server", env))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            dir.resolve(node.name() + ".out").toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitUp(Node node) {
        await().atMost(UP_WITHIN)
                .pollInterval(Duration.ofSeconds(1))
                .ignoreExceptionsInstanceOf(IllegalStateException.class)
                .until(() -> {
                    ctl(node, "-q", "await_startup", "--timeout", "50");
                    return true;
                });
    }

    /** rabbitmqctl aimed at one of this cluster's nodes, with the cluster's cookie; throws if it fails. */
    String ctl(Node node, String... args) {
        List<String> command = new ArrayList<>(ctlCommand());
        command.addAll(List.of("-n", node.name()));
        command.addAll(List.of(args));
        return Rabbitmqctl.exec(command);
    }

    /** The first node that answers a rabbitmqctl query on the chaos vhost (some may be down). */
    private String askAnyNode(String query, String... columns) {
        for (Node node : nodes) {
            List<String> args = new ArrayList<>(List.of("-q", query, "-p", Settings.vhost(), "--no-table-headers"));
            args.addAll(List.of(columns));
            try {
                return ctl(node, args.toArray(String[]::new));
            } catch (IllegalStateException down) {
                // ask the next one
            }
        }
        throw new IllegalStateException("no node of the cluster answered " + query);
    }
}
