package com.example.orders.system;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Both services as a user runs them: the runnable jars, started as separate processes with
 * environment variables, against the real local RabbitMQ (vhost {@code orders-test}) and MariaDB
 * (database {@code orders_test}), both emptied first. One stack for the whole test run.
 */
final class SystemUnderTest {

    static final Duration PAYMENT_TIMEOUT = Duration.ofSeconds(3);
    static final Duration SWEEP_GRACE = Duration.ofSeconds(3);

    static final String STOREFRONT_TOKEN = "it-storefront-token";
    /** The provider's current secret; the service also still accepts an older one (rotation). */
    static final String PAYMENT_SECRET = "it-payment-secret";

    static final String OLD_PAYMENT_SECRET = "it-payment-secret-old";

    static final String DB_URL = env("IT_DATASOURCE_URL", "jdbc:mysql://127.0.0.1:3306/orders_test");
    static final String DB_USER = env("IT_DATASOURCE_USERNAME", "orders");
    static final String DB_PASSWORD = env("IT_DATASOURCE_PASSWORD", "orders");
    static final String RABBIT_HOST = env("IT_RABBITMQ_HOST", "127.0.0.1");
    static final String RABBIT_VHOST = env("IT_RABBITMQ_VIRTUAL_HOST", "orders-test");

    private static SystemUnderTest instance;

    final String orderServiceUrl;
    final String workerUrl;
    private final List<Process> processes = new ArrayList<>();
    private Map<String, String> common;
    private String secondOrderServiceUrl;

    private SystemUnderTest(int orderPort, int workerPort) {
        this.orderServiceUrl = "http://127.0.0.1:" + orderPort;
        this.workerUrl = "http://127.0.0.1:" + workerPort;
    }

    static synchronized SystemUnderTest get() {
        if (instance == null) {
            try {
                instance = start();
            } catch (Exception e) {
                throw new IllegalStateException("could not start the services", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(instance::stop));
        }
        return instance;
    }

    private static SystemUnderTest start() throws Exception {
        emptyDatabase();
        Broker.deleteTopology();
        var system = new SystemUnderTest(freePort(), freePort());
        // Each service runs as its own least-privileged database and broker user, as in the compose
        // stack (scripts/prepare-local.sh creates them from docker/mysql/init and docker/rabbitmq).
        Map<String, String> common = Map.of(
                "SPRING_DATASOURCE_URL",
                DB_URL,
                "SPRING_RABBITMQ_HOST",
                RABBIT_HOST,
                "SPRING_RABBITMQ_VIRTUAL_HOST",
                RABBIT_VHOST,
                "ORDERS_PAYMENT_TIMEOUT",
                PAYMENT_TIMEOUT.toSeconds() + "s",
                "ORDERS_DELAY_TRANSPORT",
                "auto",
                "ORDERS_STOREFRONT_TOKENS",
                "another-storefront," + STOREFRONT_TOKEN,
                "ORDERS_PAYMENT_SECRETS",
                OLD_PAYMENT_SECRET + "," + PAYMENT_SECRET);
        system.common = common;
        system.launchOrderService(system.orderServiceUrl, "order-service");
        system.launch(
                "expiry-worker",
                Map.of(
                        "SERVER_PORT", port(system.workerUrl),
                        "SPRING_DATASOURCE_USERNAME", "expiry_worker",
                        "SPRING_DATASOURCE_PASSWORD", "expiry-worker-dev",
                        "SPRING_RABBITMQ_USERNAME", "expiry-worker",
                        "SPRING_RABBITMQ_PASSWORD", "expiry-worker-dev",
                        "EXPIRY_SWEEP_INTERVAL", "1s",
                        "EXPIRY_SWEEP_GRACE", SWEEP_GRACE.toSeconds() + "s"),
                common);
        system.awaitUp(system.workerUrl);
        return system;
    }

    /**
     * A second order-service instance on the same database and vhost, as a deployment behind a load
     * balancer runs it; started on first use, then shared.
     */
    synchronized String secondOrderServiceUrl() {
        if (secondOrderServiceUrl == null) {
            try {
                String url = "http://127.0.0.1:" + freePort();
                launchOrderService(url, "order-service-2");
                secondOrderServiceUrl = url;
            } catch (IOException e) {
                throw new IllegalStateException("could not start a second order-service", e);
            }
        }
        return secondOrderServiceUrl;
    }

    private void launchOrderService(String url, String logName) throws IOException {
        launch(
                "order-service",
                logName,
                Map.of(
                        "SERVER_PORT", port(url),
                        "SPRING_DATASOURCE_USERNAME", "order_service",
                        "SPRING_DATASOURCE_PASSWORD", "order-service-dev",
                        "SPRING_RABBITMQ_USERNAME", "order-service",
                        "SPRING_RABBITMQ_PASSWORD", "order-service-dev"),
                common);
        awaitUp(url);
    }

    private void launch(String name, Map<String, String> own, Map<String, String> common) throws IOException {
        launch(name, name, own, common);
    }

    private void launch(String name, String logName, Map<String, String> own, Map<String, String> common)
            throws IOException {
        Path jar = Path.of("..", name, "target", name + ".jar").toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run mvn verify from the root");
        }
        Path log = Path.of("target", "system-tests", logName + ".log");
        Files.createDirectories(log.getParent());
        String java = ProcessHandle.current().info().command().orElse("java");
        var builder = new ProcessBuilder(java, "-Xmx256m", "-jar", jar.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(common);
        builder.environment().putAll(own);
        processes.add(builder.start());
    }

    private void awaitUp(String baseUrl) {
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(() -> {
                    processes.forEach(p -> {
                        if (!p.isAlive()) {
                            throw new IllegalStateException("a service exited; see target/system-tests/*.log");
                        }
                    });
                    HttpResponse<String> health = http.send(
                            HttpRequest.newBuilder(URI.create(baseUrl + "/actuator/health"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    return health.statusCode() == 200 && health.body().contains("\"UP\"");
                });
    }

    private void stop() {
        processes.forEach(Process::destroy);
        processes.forEach(p -> {
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private static void emptyDatabase() throws SQLException {
        String server = DB_URL.substring(0, DB_URL.lastIndexOf('/') + 1);
        String database = DB_URL.substring(DB_URL.lastIndexOf('/') + 1).replaceAll("\\?.*", "");
        try (var connection = DriverManager.getConnection(server, DB_USER, DB_PASSWORD);
                var statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS `" + database + "`");
            statement.execute("CREATE DATABASE `" + database + "`");
        }
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String port(String url) {
        return url.substring(url.lastIndexOf(':') + 1);
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
