package com.example.orders.chaos;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One runnable jar, started as a process with environment variables, killed with SIGKILL and
 * started again on the same port. Each launch logs to its own file, so a restart keeps the history.
 */
final class ServiceProcess {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final String label;
    final int port;
    private final String jar;
    private final Map<String, String> env;
    private final Path logDir;
    private Process process;
    private int launches;

    ServiceProcess(String jar, String label, int port, Map<String, String> env, Path logDir) {
        this.jar = jar;
        this.label = label;
        this.port = port;
        this.env = env;
        this.logDir = logDir;
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    synchronized void start() {
        Path jarFile =
                Path.of("..", jar, "target", jar + ".jar").toAbsolutePath().normalize();
        if (!Files.isRegularFile(jarFile)) {
            throw new IllegalStateException(jarFile + " is missing: build from the root (mvn verify)");
        }
        launches++;
        Path log = logDir.resolve("%s.%d.log".formatted(label, launches));
        String java = ProcessHandle.current().info().command().orElse("java");
        var builder = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", jarFile.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(env);
        try {
            Files.createDirectories(logDir);
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** kill -9: no shutdown hook, no graceful close of connections or transactions. */
    void kill() {
        Process victim;
        synchronized (this) {
            victim = process;
        }
        victim.destroyForcibly();
        awaitExit(victim);
    }

    void stop() {
        Process running;
        synchronized (this) {
            running = process;
        }
        if (running == null) {
            return;
        }
        running.destroy();
        try {
            if (!running.waitFor(20, TimeUnit.SECONDS)) {
                running.destroyForcibly();
                awaitExit(running);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void awaitUp(Duration atMost) {
        await().atMost(atMost)
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptionsInstanceOf(IOException.class)
                .until(() -> {
                    if (!alive()) {
                        throw new IllegalStateException(label + " exited; see " + logDir);
                    }
                    HttpResponse<String> health = HTTP.send(
                            HttpRequest.newBuilder(URI.create(url() + "/actuator/health"))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    return health.statusCode() == 200 && health.body().contains("\"UP\"");
                });
    }

    private static void awaitExit(Process process) {
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
