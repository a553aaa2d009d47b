package com.example.orders.bench;

import com.example.orders.contracts.DelayCascade;
import com.example.orders.contracts.Topology;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The two services under test. With {@code --start=true} (the default) the bench empties database
 * {@code orders_bench} and the queues of vhost {@code orders-bench}, then starts both jars with
 * {@code -Xmx256m} and the given settings; otherwise it drives the stack at {@code --order-url} /
 * {@code --worker-url}.
 */
final class Stack implements AutoCloseable {

    static final List<String> QUEUES = queues();

    private static List<String> queues() {
        List<String> queues = new ArrayList<>(DelayCascade.levelQueues());
        queues.addAll(
                List.of(Topology.EXPIRY_QUEUE, Topology.WAIT_QUEUE, Topology.RETRY_QUEUE, Topology.DEAD_LETTER_QUEUE));
        return List.copyOf(queues);
    }

    final String orderUrl;
    final String workerUrl;
    final String dbUrl;
    final String dbUser;
    final String dbPassword;
    final String rabbitHost;
    final String vhost;
    final Map<String, String> settings = new LinkedHashMap<>();
    private final boolean start;
    private final Path logs;
    private final List<Process> processes = new ArrayList<>();
    private Process worker;
    private Map<String, String> workerEnv;
    private List<String> workerJvm;
    private Process orderService;

    Stack(Options options, String paymentTimeout, Map<String, String> extraEnv, Path logs) throws Exception {
        this.start = Boolean.parseBoolean(options.get("start", "true"));
        this.dbUrl = options.get("db-url", "jdbc:mysql://127.0.0.1:3306/orders_bench");
        this.dbUser = options.get("db-user", "orders");
        this.dbPassword = options.get("db-password", "orders");
        this.rabbitHost = options.get("rabbit-host", "127.0.0.1");
        this.vhost = options.get("rabbit-vhost", "orders-bench");
        this.logs = logs;
        if (!start) {
            orderUrl = options.get("order-url", "http://127.0.0.1:8080");
            workerUrl = options.get("worker-url", "http://127.0.0.1:8081");
            return;
        }
        orderUrl = "http://127.0.0.1:" + freePort();
        workerUrl = "http://127.0.0.1:" + freePort();
        String heap = options.get("xmx", "256m");
        String jfr = options.get("jfr", "");
        resetDatabase();
        deleteQueues();
        Map<String, String> common = new LinkedHashMap<>();
        common.put("SPRING_DATASOURCE_URL", dbUrl);
        common.put("SPRING_DATASOURCE_USERNAME", dbUser);
        common.put("SPRING_DATASOURCE_PASSWORD", dbPassword);
        common.put("SPRING_RABBITMQ_HOST", rabbitHost);
        common.put("SPRING_RABBITMQ_VIRTUAL_HOST", vhost);
        common.put("ORDERS_PAYMENT_TIMEOUT", paymentTimeout);
        common.put("ORDERS_DELAY_TRANSPORT", options.get("transport", "dead-letter-ttl"));
        common.put("ORDERS_STOREFRONT_TOKENS", Api.TOKEN);
        common.put("ORDERS_PAYMENT_SECRETS", Api.SECRET);
        common.put("LOGGING_LEVEL_ROOT", options.get("log-level", "INFO"));
        common.putAll(extraEnv);
        settings.putAll(common);
        settings.remove("SPRING_DATASOURCE_PASSWORD");
        settings.put("heap", "-Xmx" + heap);
        List<String> orderJvm = new ArrayList<>(List.of("-Xmx" + heap));
        if (!jfr.isBlank()) {
            orderJvm.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile");
            settings.put("order-service JFR", jfr);
        }
        orderService = launch("order-service", orderJvm, Map.of("SERVER_PORT", port(orderUrl)), common);
        awaitUp(orderUrl);
        workerEnv = new LinkedHashMap<>(common);
        workerEnv.put("SERVER_PORT", port(workerUrl));
        workerJvm = new ArrayList<>(List.of("-Xmx" + heap));
        String workerJfr = options.get("worker-jfr", "");
        if (!workerJfr.isBlank()) {
            workerJvm.add("-XX:StartFlightRecording=filename=" + workerJfr + ",settings=profile");
            settings.put("expiry-worker JFR", workerJfr);
        }
        startWorker();
    }

    /** Starts expiry-worker (again) and waits until it is UP. */
    void startWorker() throws Exception {
        worker = launch("expiry-worker", workerJvm, workerEnv, Map.of());
        awaitUp(workerUrl);
    }

    /** Stops expiry-worker (a clean shutdown) and waits until it is gone. */
    void stopWorker() throws InterruptedException {
        if (worker != null) {
            worker.destroy();
            if (!worker.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                worker.destroyForcibly().waitFor();
            }
            processes.remove(worker);
            worker = null;
        }
    }

    long workerPid() {
        return worker == null ? -1 : worker.pid();
    }

    long orderServicePid() {
        return orderService == null ? -1 : orderService.pid();
    }

    java.sql.Connection db() throws Exception {
        return DriverManager.getConnection(dbUrl, dbUser, dbPassword);
    }

    Connection broker() throws Exception {
        var factory = new ConnectionFactory();
        factory.setHost(rabbitHost);
        factory.setVirtualHost(vhost);
        factory.setUsername(System.getenv().getOrDefault("BENCH_RABBIT_USER", "guest"));
        factory.setPassword(System.getenv().getOrDefault("BENCH_RABBIT_PASSWORD", "guest"));
        return factory.newConnection("bench");
    }

    long queueDepth(String queue) {
        try (Connection connection = broker()) {
            Channel channel = connection.createChannel();
            return channel.queueDeclarePassive(queue).getMessageCount();
        } catch (Exception e) {
            return -1;
        }
    }

    /** Messages waiting for their delay, over every level of the cascade. */
    long delayedDepth() {
        return DelayCascade.levelQueues().stream().mapToLong(this::queueDepth).sum();
    }

    String brokerVersion() {
        try (Connection connection = broker()) {
            return String.valueOf(connection.getServerProperties().get("version"));
        } catch (Exception e) {
            return "unknown";
        }
    }

    private void resetDatabase() throws Exception {
        String server = dbUrl.substring(0, dbUrl.lastIndexOf('/') + 1);
        String database = dbUrl.substring(dbUrl.lastIndexOf('/') + 1).replaceAll("\\?.*", "");
        if (!database.equals("orders_bench")) {
            throw new IllegalStateException("the bench drops and re-creates only orders_bench, not " + database);
        }
        try (var connection = DriverManager.getConnection(server, dbUser, dbPassword);
                var statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS `" + database + "`");
            statement.execute("CREATE DATABASE `" + database + "`");
        }
    }

    private void deleteQueues() throws Exception {
        if (!vhost.equals("orders-bench")) {
            throw new IllegalStateException("the bench deletes queues only in vhost orders-bench, not " + vhost);
        }
        try (Connection connection = broker()) {
            for (String queue : QUEUES) {
                Channel channel = connection.createChannel();
                channel.queueDelete(queue);
                channel.close();
            }
        }
    }

    private Process launch(String name, List<String> jvm, Map<String, String> own, Map<String, String> common)
            throws IOException {
        Path jar = Path.of(name, "target", name + ".jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run `mvn -B -q -DskipTests package` at the root");
        }
        Files.createDirectories(logs);
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvm);
        command.addAll(List.of("-jar", jar.toString()));
        var builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        logs.resolve(name + ".log").toFile()));
        builder.environment().putAll(common);
        builder.environment().putAll(own);
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    private void awaitUp(String baseUrl) throws Exception {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            for (Process p : processes) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("a service exited; see " + logs);
                }
            }
            try {
                HttpResponse<String> health = http.send(
                        HttpRequest.newBuilder(URI.create(baseUrl + "/actuator/health"))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200 && health.body().contains("\"UP\"")) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException(baseUrl + " not UP within 120 s; see " + logs);
    }

    @Override
    public void close() {
        processes.forEach(Process::destroy);
        for (Process p : processes) {
            try {
                if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
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
}
