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
import java.util.concurrent.TimeUnit;

/**
 * A MariaDB server of the test's own: its datadir, port and socket under {@code target/private/},
 * started from the installed {@code mariadbd}, so that it can be killed with SIGKILL (crash recovery on
 * restart) or stopped for a while. Never the machine's shared server. It knows one user, the chaos
 * run's (that of {@link Settings#SERVERS}), with every privilege, created by an init file at each start.
 */
final class PrivateMariaDb implements AutoCloseable {

    private static final Duration READY_WITHIN = Duration.ofSeconds(90);

    private final Path dir;
    private final int port;
    private Process process;
    private int launches;
    private Servers restore;

    private PrivateMariaDb(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** True where {@code mariadbd} and {@code mariadb-install-db} are installed (tests are skipped elsewhere). */
    static boolean available() {
        return executable("mariadbd") != null && executable("mariadb-install-db") != null;
    }

    /** A fresh datadir under {@code target/private/<name>}, installed and started. */
    static PrivateMariaDb create(String name) {
        Path dir = Path.of("target", "private", name).toAbsolutePath();
        try {
            deleteTree(dir);
            Files.createDirectories(dir);
            Files.writeString(
                    dir.resolve("init.sql"), """
                    CREATE USER IF NOT EXISTS '%1$s'@'%%' IDENTIFIED BY '%2$s';
                    GRANT ALL PRIVILEGES ON *.* TO '%1$s'@'%%';
                    """.formatted(Settings.SERVERS.dbUser(), Settings.SERVERS.dbPassword()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> install = new ArrayList<>(List.of(
                executable("mariadb-install-db"),
                "--no-defaults",
                "--datadir=" + dir.resolve("data"),
                "--auth-root-authentication-method=normal",
                "--skip-test-db"));
        asRoot(install);
        run(install, dir.resolve("install.log"));
        PrivateMariaDb db = new PrivateMariaDb(dir, ServiceProcess.freePort());
        Runtime.getRuntime().addShutdownHook(new Thread(db::kill));
        db.start();
        return db;
    }

    String url(String database) {
        return "jdbc:mysql://127.0.0.1:%d/%s".formatted(port, database);
    }

    /** Points the chaos run's database ({@link Settings#SERVERS}) here until {@link #close}. */
    PrivateMariaDb use() {
        restore = Settings.SERVERS;
        Settings.SERVERS = restore.withDbUrl(url(restore.databaseName()));
        return this;
    }

    synchronized boolean running() {
        return process != null && process.isAlive();
    }

    /** Starts the server on its datadir and port and waits until the chaos user can log in. */
    void start() {
        launch();
        awaitReady();
    }

    private synchronized void launch() {
        launches++;
        List<String> command = new ArrayList<>(List.of(
                executable("mariadbd"),
                "--no-defaults",
                "--datadir=" + dir.resolve("data"),
                "--port=" + port,
                "--bind-address=127.0.0.1",
                "--socket=" + dir.resolve("mysqld.sock"),
                "--pid-file=" + dir.resolve("mysqld.pid"),
                "--init-file=" + dir.resolve("init.sql"),
                "--log-error=" + dir.resolve("error." + launches + ".log"),
                "--skip-name-resolve",
                "--max-connections=300",
                "--innodb-buffer-pool-size=128M"));
        asRoot(command);
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("mariadbd." + launches + ".out").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitReady() {
        await().atMost(READY_WITHIN)
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptionsInstanceOf(SQLException.class)
                .until(() -> {
                    if (!running()) {
                        throw new IllegalStateException("private mariadbd exited; see " + dir);
                    }
                    try (var connection = DriverManager.getConnection(
                            url(""), Settings.SERVERS.dbUser(), Settings.SERVERS.dbPassword())) {
                        return connection.isValid(2);
                    }
                });
    }

    /** kill -9: no shutdown, InnoDB recovers from its redo log at the next start. */
    void kill() {
        Process victim;
        synchronized (this) {
            victim = process;
        }
        if (victim != null) {
            victim.destroyForcibly();
            awaitExit(victim);
        }
    }

    /** A clean shutdown (SIGTERM), e.g. for maintenance. */
    void stop() {
        Process running;
        synchronized (this) {
            running = process;
        }
        if (running != null) {
            running.destroy();
            awaitExit(running);
        }
    }

    @Override
    public void close() {
        if (restore != null) {
            Settings.SERVERS = restore;
            restore = null;
        }
        stop();
    }

    static void awaitExit(Process process) {
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** mariadbd refuses to run as root unless told to; as another user the option is not needed. */
    private static void asRoot(List<String> command) {
        if ("root".equals(System.getProperty("user.name"))) {
            command.add("--user=root");
        }
    }

    static void run(List<String> command, Path log) {
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed; see " + log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String executable(String name) {
        for (String dir : List.of("/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin")) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
