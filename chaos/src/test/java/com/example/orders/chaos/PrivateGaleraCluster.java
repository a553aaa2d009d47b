package com.example.orders.chaos;

import static org.awaitility.Awaitility.await;

import com.example.orders.testsupport.Servers;
import com.example.orders.testsupport.ServiceProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A MariaDB Galera cluster of the test's own: {@code nodes} {@code mariadbd} processes from the
 * installed server and {@code galera-4}, each with its datadir, socket and logs under
 * {@code target/private/<name>/node-<n>} and four ports of its own (SQL, group communication,
 * incremental state transfer, rsync state transfer), all free ephemeral ports on 127.0.0.1: never the
 * machine's 3306 nor Galera's default 4567/4568/4444. The first node is installed and bootstraps the
 * cluster ({@code --wsrep-new-cluster}); the others join it empty and receive its data by rsync.
 * {@link #standalone} is one such node without replication, the single server that {@link
 * GaleraThroughputIT} compares the cluster with.
 *
 * <p>Run as root, the nodes run as the {@code mysql} user (their directories are handed to it): the
 * rsync daemon that receives a state transfer drops to {@code nobody} when started by root, and then
 * cannot write the joiner's datadir. Like {@link PrivateMariaDb}, it knows one user, the chaos run's.
 */
final class PrivateGaleraCluster implements AutoCloseable {

    static final Path PROVIDER = Path.of("/usr/lib/galera/libgalera_smm.so");

    private static final Duration READY_WITHIN = Duration.ofSeconds(90);

    private static final Pattern RECOVERED = Pattern.compile("WSREP: Recovered position: (\\S+)");

    private final String name;
    private final Path dir;
    private final List<Node> nodes = new ArrayList<>();
    private final boolean replicated;
    private Servers restore;

    private PrivateGaleraCluster(String name, Path dir, boolean replicated) {
        this.name = name;
        this.dir = dir;
        this.replicated = replicated;
    }

    /** True where MariaDB, the Galera provider and rsync are installed (tests are skipped elsewhere). */
    static boolean available() {
        return PrivateMariaDb.available()
                && Files.isReadable(PROVIDER)
                && PrivateMariaDb.executable("rsync") != null
                && PrivateMariaDb.executable("wsrep_sst_rsync") != null;
    }

    /** Installs and starts {@code size} nodes under {@code target/private/<name>}, each awaited Synced. */
    static PrivateGaleraCluster create(String name, int size) {
        PrivateGaleraCluster cluster = install(name, size, true);
        cluster.nodes.get(0).launch(true, null);
        cluster.nodes.get(0).awaitSynced();
        cluster.nodes.subList(1, size).forEach(node -> node.launch(false, null));
        cluster.nodes.subList(1, size).forEach(Node::awaitSynced);
        return cluster;
    }

    /**
     * One node with the cluster's own server settings but no replication ({@code wsrep_on} off, no
     * provider): the single server a cluster is compared with.
     */
    static PrivateGaleraCluster standalone(String name) {
        PrivateGaleraCluster single = install(name, 1, false);
        single.nodes.get(0).launch(true, null);
        single.nodes.get(0).awaitSynced();
        return single;
    }

    private static PrivateGaleraCluster install(String name, int size, boolean replicated) {
        PrivateGaleraCluster cluster = new PrivateGaleraCluster(
                name, Path.of("target", "private", name).toAbsolutePath(), replicated);
        try {
            PrivateMariaDb.deleteTree(cluster.dir);
            for (int i = 0; i < size; i++) {
                Node node = cluster.new Node(i + 1);
                Files.createDirectories(node.dir.resolve("data"));
                cluster.nodes.add(node);
            }
            Files.writeString(cluster.dir.resolve("init.sql"), """
                    CREATE USER IF NOT EXISTS '%1$s'@'%%' IDENTIFIED BY '%2$s';
                    GRANT ALL PRIVILEGES ON *.* TO '%1$s'@'%%';
                    """.formatted(
                            Settings.SERVERS.dbUser(), Settings.SERVERS.dbPassword()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> install = new ArrayList<>(List.of(
                PrivateMariaDb.executable("mariadb-install-db"),
                "--no-defaults",
                "--datadir=" + cluster.nodes.get(0).dir.resolve("data"),
                "--auth-root-authentication-method=normal",
                "--skip-test-db"));
        asServerUser(install);
        PrivateMariaDb.run(install, cluster.dir.resolve("install.log"));
        cluster.handToServerUser();
        Runtime.getRuntime().addShutdownHook(new Thread(cluster::killAll));
        return cluster;
    }

    /**
     * A multi-host URL naming every node, starting with node {@code first} (0-based) and going round:
     * Connector/J connects to the first that answers and moves on to the next when it goes away.
     * {@code failOverReadOnly=false}: without it a failed-over connection is read-only.
     */
    String url(String database, int first) {
        String hosts = IntStream.range(0, nodes.size())
                .mapToObj(i -> "127.0.0.1:" + nodes.get((first + i) % nodes.size()).sqlPort)
                .collect(Collectors.joining(","));
        return "jdbc:mysql://%s/%s?failOverReadOnly=false".formatted(hosts, database);
    }

    /** Points the chaos run's database ({@link Settings#SERVERS}) at the cluster, node 1 first, until {@link #close}. */
    PrivateGaleraCluster use() {
        restore = Settings.SERVERS;
        Settings.SERVERS = restore.withDbUrl(url(restore.databaseName(), 0));
        return this;
    }

    /** kill -9 of node {@code index} (0-based): no shutdown; the others go on once they notice. */
    void kill(int index) {
        nodes.get(index).stop(true);
    }

    /**
     * Starts node {@code index} (0-based) again after a kill or stop, while the others run: it recovers
     * its position, joins, catches up (by incremental transfer while the others' cache holds what it
     * missed) and is awaited Synced.
     */
    void restart(int index) {
        Node node = nodes.get(index);
        node.launch(false, node.recoverPosition());
        node.awaitSynced();
    }

    /**
     * A clean stop of every node, one after the other from the first: the last one to leave is then
     * the only one whose {@code grastate.dat} says {@code safe_to_bootstrap: 1}.
     */
    void stopAll() {
        nodes.forEach(node -> node.stop(false));
    }

    /**
     * Starts the stopped cluster again as an operator must: the node that may bootstrap ({@code
     * safe_to_bootstrap: 1}) with {@code --wsrep-new-cluster}, then the others joining it. Returns
     * that node's number.
     */
    int bootstrapAgain() {
        Node first = nodes.stream()
                .filter(Node::safeToBootstrap)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no node of " + dir + " is safe to bootstrap"));
        first.launch(true, null);
        first.awaitSynced();
        List<Node> others = nodes.stream().filter(node -> node != first).toList();
        others.forEach(node -> node.launch(false, node.recoverPosition()));
        others.forEach(Node::awaitSynced);
        return first.number;
    }

    /** The running nodes' process ids, for their CPU time. */
    List<Long> pids() {
        return nodes.stream()
                .filter(Node::running)
                .map(node -> node.process.pid())
                .toList();
    }

    /**
     * Each node's view: {@code node-1 Synced, cluster of 3, Primary}, and its local transactions that
     * failed certification, were aborted by another node's write (BF abort), or were replayed.
     */
    String diagnostics() {
        return nodes.stream().map(Node::status).collect(Collectors.joining("\n"));
    }

    /** kill -9 of every node (a shutdown hook: nothing of the test may outlive it). */
    private void killAll() {
        nodes.forEach(node -> node.stop(true));
    }

    @Override
    public void close() {
        if (restore != null) {
            Settings.SERVERS = restore;
            restore = null;
        }
        // The last node to leave is the one that may bootstrap the cluster again (safe_to_bootstrap).
        for (int i = nodes.size() - 1; i >= 0; i--) {
            nodes.get(i).stop(false);
        }
    }

    private void handToServerUser() {
        if (runningAsRoot()) {
            PrivateMariaDb.run(List.of("chown", "-R", "mysql:mysql", dir.toString()), dir.resolve("chown.log"));
        }
    }

    private static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static void asServerUser(List<String> command) {
        if (runningAsRoot()) {
            command.add("--user=mysql");
        }
    }

    private String gcommAddress() {
        return nodes.stream().map(n -> "127.0.0.1:" + n.gcommPort).collect(Collectors.joining(",", "gcomm://", ""));
    }

    /** One {@code mariadbd} of the cluster. */
    private final class Node {

        final int number;
        final Path dir;
        final int sqlPort = ServiceProcess.freePort();
        final int gcommPort = ServiceProcess.freePort();
        final int istPort = ServiceProcess.freePort();
        final int sstPort = ServiceProcess.freePort();
        private Process process;
        private int launches;

        Node(int number) {
            this.number = number;
            this.dir = PrivateGaleraCluster.this.dir.resolve("node-" + number);
        }

        /** Starts it: bootstrapping a new cluster, or joining one (from {@code position}, if known). */
        synchronized void launch(boolean bootstrap, String position) {
            launches++;
            List<String> command = serverCommand("error." + launches + ".log");
            if (bootstrap && replicated) {
                command.add("--wsrep-new-cluster");
            }
            if (bootstrap) {
                command.add("--init-file=" + PrivateGaleraCluster.this.dir.resolve("init.sql"));
            }
            if (position != null) {
                command.add("--wsrep-start-position=" + position);
            }
            try {
                process = new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(
                                dir.resolve("mariadbd." + launches + ".out").toFile())
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /**
         * What a node that was killed has committed, {@code <cluster uuid>:<seqno>}, read from its own
         * InnoDB by {@code mariadbd --wsrep-recover} (which exits after saying it), as the distribution's
         * {@code galera_recovery} does before a start; null if it cannot tell (the node then takes a full
         * state transfer).
         */
        String recoverPosition() {
            Path log = dir.resolve("recover." + (launches + 1) + ".log");
            List<String> command = serverCommand(log.getFileName().toString());
            command.add("--wsrep-recover");
            PrivateMariaDb.run(command, dir.resolve("recover." + (launches + 1) + ".out"));
            try {
                Matcher recovered = RECOVERED.matcher(Files.readString(log));
                String position = null;
                while (recovered.find()) {
                    position = recovered.group(1);
                }
                return position;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private List<String> serverCommand(String errorLog) {
            List<String> command = new ArrayList<>(List.of(
                    PrivateMariaDb.executable("mariadbd"),
                    "--no-defaults",
                    "--datadir=" + dir.resolve("data"),
                    "--port=" + sqlPort,
                    "--bind-address=127.0.0.1",
                    "--socket=" + dir.resolve("mysqld.sock"),
                    "--pid-file=" + dir.resolve("mysqld.pid"),
                    "--log-error=" + dir.resolve(errorLog),
                    "--skip-name-resolve",
                    "--max-connections=300",
                    "--innodb-buffer-pool-size=64M",
                    // what Galera needs: row-based replication, InnoDB, interleaved auto-increment locks
                    "--binlog-format=ROW",
                    "--default-storage-engine=InnoDB",
                    "--innodb-autoinc-lock-mode=2"));
            if (replicated) {
                command.addAll(List.of(
                        "--wsrep-on=ON",
                        "--wsrep-provider=" + PROVIDER,
                        "--wsrep-cluster-name=" + name,
                        "--wsrep-cluster-address=" + gcommAddress(),
                        "--wsrep-node-name=node-" + number,
                        "--wsrep-node-address=127.0.0.1:" + gcommPort,
                        "--wsrep-provider-options=gmcast.listen_addr=tcp://127.0.0.1:%d;ist.recv_addr=127.0.0.1:%d;gcache.size=64M"
                                .formatted(gcommPort, istPort),
                        "--wsrep-sst-method=rsync",
                        "--wsrep-sst-receive-address=127.0.0.1:" + sstPort));
            }
            asServerUser(command);
            return command;
        }

        boolean safeToBootstrap() {
            try {
                return Files.readString(dir.resolve("data").resolve("grastate.dat"))
                        .contains("safe_to_bootstrap: 1");
            } catch (IOException e) {
                return false;
            }
        }

        synchronized boolean running() {
            return process != null && process.isAlive();
        }

        /** Until the chaos user can log in here and the node says it is Synced with the others. */
        void awaitSynced() {
            await().atMost(READY_WITHIN)
                    .pollInterval(Duration.ofMillis(250))
                    .ignoreExceptionsInstanceOf(SQLException.class)
                    .until(() -> {
                        if (!running()) {
                            throw new IllegalStateException("galera node-" + number + " exited; see " + dir);
                        }
                        String status = status();
                        return replicated ? status.contains("Synced") : !status.contains("unreachable");
                    });
        }

        String status() {
            try (var connection = DriverManager.getConnection(
                            "jdbc:mysql://127.0.0.1:%d/".formatted(sqlPort),
                            Settings.SERVERS.dbUser(),
                            Settings.SERVERS.dbPassword());
                    var statement = connection.createStatement();
                    var rows = statement.executeQuery("SHOW STATUS WHERE Variable_name IN"
                            + " ('wsrep_local_state_comment', 'wsrep_cluster_size', 'wsrep_cluster_status',"
                            + " 'wsrep_local_cert_failures', 'wsrep_local_bf_aborts', 'wsrep_local_replays')")) {
                var status = new StringBuilder("node-" + number);
                while (rows.next()) {
                    status.append(' ').append(rows.getString(1)).append('=').append(rows.getString(2));
                }
                return status.toString().replace("wsrep_local_state_comment=", "");
            } catch (SQLException e) {
                return "node-" + number + " unreachable: " + e.getMessage();
            }
        }

        void stop(boolean kill) {
            Process running;
            synchronized (this) {
                running = process;
            }
            if (running == null) {
                return;
            }
            if (kill) {
                running.destroyForcibly();
            } else {
                running.destroy();
            }
            PrivateMariaDb.awaitExit(running);
        }
    }
}
