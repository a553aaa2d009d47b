package com.example.orders.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One service instance as a process: a runnable jar started with its JVM options and environment,
 * on its own port, its output in a log file of its own per launch ({@code <label>.log}, then {@code
 * <label>.2.log} ...). It can be awaited until healthy (failing at once, with the exit code and the
 * end of the log, if it exits meanwhile), killed with SIGKILL, stopped gracefully, started again on
 * the same port.
 */
public final class ServiceProcess {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static final Duration GRACE = Duration.ofSeconds(30);

    private final String label;
    private final int port;
    private final List<String> command;
    private final Map<String, String> env;
    private final Path logDir;
    private Process process;
    private Path log;
    private int launches;

    /** {@code command}: the whole command line; {@code env} adds to the test JVM's environment. */
    public ServiceProcess(String label, int port, List<String> command, Map<String, String> env, Path logDir) {
        this.label = label;
        this.port = port;
        this.command = List.copyOf(command);
        this.env = Map.copyOf(env);
        this.logDir = logDir;
    }

    /** {@code java <jvmOptions> -jar <jar>}, with the java running this JVM. */
    public static List<String> jarCommand(Path jar, List<String> jvmOptions) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString()));
        return command;
    }

    /** {@code <module>/target/<module>.jar}, from the repository root or a module; it must be built. */
    public static Path jar(String module) {
        Path jar = Path.of(module, "target", module + ".jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            jar = Path.of("..", module, "target", module + ".jar")
                    .toAbsolutePath()
                    .normalize();
        }
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(
                    jar + " is missing: build it first (`mvn -B -q -DskipTests package` at the root)");
        }
        return jar;
    }

    public static int freePort() {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String label() {
        return label;
    }

    public int port() {
        return port;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** The log of the latest launch. */
    public synchronized Path log() {
        return log;
    }

    public Path logDir() {
        return logDir;
    }

    public synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    /** The process id, -1 before the first start. */
    public synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    public synchronized void start() {
        if (alive()) {
            throw new IllegalStateException(label + " is already running");
        }
        launches++;
        log = logDir.resolve(launches == 1 ? label + ".log" : "%s.%d.log".formatted(label, launches));
        var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        try {
            Files.createDirectories(logDir);
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits until {@code /actuator/health} answers 200 UP. Fails at once if the process exits
     * meanwhile (a crash at start-up: a bad setting, a port taken, the database refusing it).
     */
    public void awaitUp(Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (true) {
            Process running;
            synchronized (this) {
                running = process;
            }
            if (running == null) {
                throw new IllegalStateException(label + " was never started");
            }
            if (!running.isAlive()) {
                throw exited(running);
            }
            if (healthy()) {
                return;
            }
            if (System.nanoTime() >= deadline) {
                throw new IllegalStateException(
                        "%s not UP within %d s; see %s".formatted(label, atMost.toSeconds(), log()));
            }
            try {
                running.waitFor(500, TimeUnit.MILLISECONDS); // the poll interval, cut short by an exit
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private boolean healthy() {
        try {
            HttpResponse<String> health = HTTP.send(
                    HttpRequest.newBuilder(URI.create(url() + "/actuator/health"))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return health.statusCode() == 200 && health.body().contains("\"UP\"");
        } catch (IOException notListeningYet) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private IllegalStateException exited(Process dead) {
        Path file = log();
        String tail;
        try {
            List<String> lines = Files.readAllLines(file);
            tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            tail = "(log unreadable: " + e + ")";
        }
        return new IllegalStateException("%s exited with code %d during start-up; see %s. Its last lines:%n%s"
                .formatted(label, dead.exitValue(), file, tail));
    }

    /** kill -9: no shutdown hook, no graceful close of connections or transactions. */
    public void kill() {
        Process victim;
        synchronized (this) {
            victim = process;
        }
        if (victim != null) {
            victim.destroyForcibly();
            awaitExit(victim, GRACE);
        }
    }

    /** A graceful stop (SIGTERM); SIGKILL if it is still running after {@code grace}. */
    public void stop(Duration grace) {
        signalStop();
        awaitStopped(grace);
    }

    public void stop() {
        stop(GRACE);
    }

    synchronized void signalStop() {
        if (process != null) {
            process.destroy();
        }
    }

    void awaitStopped(Duration grace) {
        Process running;
        synchronized (this) {
            running = process;
        }
        if (running != null && !awaitExit(running, grace)) {
            running.destroyForcibly();
            awaitExit(running, GRACE);
        }
    }

    private static boolean awaitExit(Process process, Duration atMost) {
        try {
            return process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
