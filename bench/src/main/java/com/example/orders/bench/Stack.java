package com.example.orders.bench;

import com.example.orders.testsupport.Api;
import com.example.orders.testsupport.Broker;
import com.example.orders.testsupport.Rabbitmqctl;
import com.example.orders.testsupport.Servers;
import com.example.orders.testsupport.ServiceProcess;
import com.example.orders.testsupport.Services;
import com.example.orders.testsupport.Services.Role;
import com.rabbitmq.client.Connection;
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

    static final Api.Credentials CREDENTIALS = new Api.Credentials("bench-storefront-token", "bench-payment-secret");

    final String orderUrl;
    final String workerUrl;
    final String dbUrl;
    final String dbUser;
    final String dbPassword;
    final Map<String, String> settings = new LinkedHashMap<>();
    /** The services' payment window ({@code ORDERS_PAYMENT_TIMEOUT}): its window queue holds the usual order's message. */
    final Duration paymentTimeout;
    /** How to call rabbitmqctl on the bench's broker ({@code --rabbitmqctl}). */
    final List<String> rabbitmqctl;

    private final Servers servers;
    private final Services services;
    /** How long a service may take to say UP ({@code --startup-seconds}): order-service's warm-up took over 120 s at load 37. */
    private final Duration startup;

    Stack(Options options, String paymentTimeout, Map<String, String> extraEnv, Path logs) throws Exception {
        boolean start = Boolean.parseBoolean(options.get("start", "true"));
        this.servers = new Servers(
                options.get("db-url", "jdbc:mysql://127.0.0.1:3306/orders_bench"),
                options.get("db-user", "orders"),
                options.get("db-password", "orders"),
                options.get("rabbit-host", "127.0.0.1"),
                Integer.parseInt(options.get("rabbit-port", "5672")),
                options.get("rabbit-vhost", "orders-bench"),
                Servers.env("BENCH_RABBIT_USER", "guest"),
                Servers.env("BENCH_RABBIT_PASSWORD", "guest"),
                null);
        this.paymentTimeout = duration(paymentTimeout);
        this.parks = "quorum-delay".equals(options.get("transport", "dead-letter-ttl"));
        this.startup = Duration.ofSeconds(options.integer("startup-seconds", 300));
        // The private RabbitMQ 4.3 of scripts/rabbitmq4.sh listens on 5682 and has its own rabbitmqctl.
        String ctl =
                options.get("rabbitmqctl", servers.rabbitPort() == 5682 ? "scripts/rabbitmq4.sh ctl" : "rabbitmqctl");
        this.rabbitmqctl = List.of(ctl.trim().split("\\s+"));
        this.dbUrl = servers.dbUrl();
        this.dbUser = servers.dbUser();
        this.dbPassword = servers.dbPassword();
        if (!start) {
            orderUrl = options.get("order-url", "http://127.0.0.1:8080");
            workerUrl = options.get("worker-url", "http://127.0.0.1:8081");
            services = null;
            return;
        }
        String heap = options.get("xmx", "256m");
        String jfr = options.get("jfr", "");
        reset();
        Map<String, String> common = new LinkedHashMap<>(servers.springLocation());
        common.put("SPRING_DATASOURCE_USERNAME", dbUser);
        common.put("SPRING_DATASOURCE_PASSWORD", dbPassword);
        common.put("ORDERS_PAYMENT_TIMEOUT", paymentTimeout);
        common.put("ORDERS_DELAY_TRANSPORT", options.get("transport", "dead-letter-ttl"));
        common.put("ORDERS_STOREFRONT_TOKENS", CREDENTIALS.storefrontToken());
        common.put("ORDERS_PAYMENT_SECRETS", CREDENTIALS.paymentSecret());
        common.put("LOGGING_LEVEL_ROOT", options.get("log-level", "INFO"));
        common.putAll(extraEnv);
        settings.putAll(common);
        settings.remove("SPRING_DATASOURCE_PASSWORD");
        settings.put("heap", "-Xmx" + heap);
        List<String> jvm = new ArrayList<>(List.of("-Xmx" + heap));
        String jvmOptions = options.get("jvm", "").trim(); // both services, e.g. to compare JIT settings
        if (!jvmOptions.isEmpty()) {
            jvm.addAll(List.of(jvmOptions.split("\\s+")));
            settings.put("jvm", jvmOptions);
        }
        List<String> orderJvm = new ArrayList<>(jvm);
        if (!jfr.isBlank()) {
            orderJvm.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile");
            settings.put("order-service JFR", jfr);
        }
        List<String> workerJvm = new ArrayList<>(jvm);
        String workerJfr = options.get("worker-jfr", "");
        if (!workerJfr.isBlank()) {
            workerJvm.add("-XX:StartFlightRecording=filename=" + workerJfr + ",settings=profile");
            settings.put("expiry-worker JFR", workerJfr);
        }
        Role orderService = Role.orderService(common, orderJvm);
        Role worker = Role.worker(common, workerJvm);
        if (options.flag("class-data")) { // as scripts/run-local.sh starts them; order-service first (schema)
            orderService = orderService.withClassData();
            worker = worker.withClassData();
            settings.put("class-data", "on");
        }
        services = Services.start(logs, startup, orderService, 1, worker, 1);
        orderUrl = services.orderServices().get(0).url();
        workerUrl = worker().url();
    }

    /** The bench drops and re-creates only orders_bench, and deletes queues only in vhost orders-bench. */
    private void reset() throws Exception {
        if (!servers.databaseName().equals("orders_bench")) {
            throw new IllegalStateException(
                    "the bench drops and re-creates only orders_bench, not " + servers.databaseName());
        }
        if (!servers.rabbitVhost().equals("orders-bench")) {
            throw new IllegalStateException(
                    "the bench deletes queues only in vhost orders-bench, not " + servers.rabbitVhost());
        }
        servers.database().recreate();
        try (Broker broker = servers.broker("bench")) {
            for (String window : List.of("5s", "PT15M", "PT1H")) { // each scenario's default
                broker.withWindow(duration(window));
            }
            broker.withWindow(paymentTimeout);
            for (String queue : windowQueuesOnBroker()) { // another run's window (another --payment-timeout)
                broker.withWindow(Duration.ofMillis(Long.parseLong(queue.replaceAll("\\D", ""))));
            }
            broker.deleteQueues();
        }
    }

    /** The vhost's window queues, whichever window made them, as rabbitmqctl lists them; none if it cannot. */
    private List<String> windowQueuesOnBroker() {
        try {
            return new Rabbitmqctl(rabbitmqctl)
                    .queues(servers.rabbitVhost()).keySet().stream()
                            .filter(queue -> queue.matches("orders\\.delay\\.window-\\d+ms"))
                            .toList();
        } catch (RuntimeException e) {
            System.out.println("bench: rabbitmqctl cannot list the queues ("
                    + e.getMessage().strip() + "); deleting the default windows' queues only");
            return List.of();
        }
    }

    /**
     * The worker's parking window ({@code expiry.park-together}) as the services run: {@code
     * EXPIRY_PARK_TOGETHER} given with {@code --env}, else the packaged {@code application.yml}'s of
     * the expiry-worker jar under test, so that the broker's floor groups parked messages as the product
     * does.
     */
    long parkTogetherMillis() {
        String set = settings.get("EXPIRY_PARK_TOGETHER");
        if (set != null) {
            return duration(set).toMillis();
        }
        Path jar = Path.of("expiry-worker", "target", "expiry-worker.jar");
        for (String line : ConnectionSettings.applicationYml(jar).split("\n")) {
            if (line.strip().startsWith("park-together:")) {
                return duration(line.strip().substring("park-together:".length()))
                        .toMillis();
            }
        }
        throw new IllegalStateException("no expiry.park-together in " + jar + "'s application.yml");
    }

    /** A Spring Boot duration as the services read it: ISO-8601 ({@code PT15M}) or simple ({@code 5s}, {@code 500ms}). */
    static Duration duration(String text) {
        String value = text.trim();
        if (value.toUpperCase(java.util.Locale.ROOT).startsWith("P")) {
            return Duration.parse(value);
        }
        var simple =
                java.util.regex.Pattern.compile("(\\d+)(ns|us|ms|s|m|h|d)?").matcher(value);
        if (!simple.matches()) {
            throw new IllegalArgumentException("not a duration: " + text);
        }
        long amount = Long.parseLong(simple.group(1));
        String unit = simple.group(2) == null ? "ms" : simple.group(2);
        return switch (unit) {
            case "ns" -> Duration.ofNanos(amount);
            case "us" -> Duration.ofNanos(amount * 1000);
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }

    /** The window queue the usual order's message waits in (stock RabbitMQ's transport), if the window has one. */
    java.util.Optional<com.example.orders.contracts.DelayWindow> window() {
        return com.example.orders.contracts.DelayWindow.of(paymentTimeout.toMillis());
    }

    /** The broker's own process: the one listening on the bench's AMQP port ({@link Cpu#listening}), else rabbitmqctl's answer. */
    long rabbitPid() {
        long pid = Cpu.listening(servers.rabbitPort());
        if (pid > 0) {
            return pid;
        }
        try {
            return Long.parseLong(new Rabbitmqctl(rabbitmqctl)
                    .run("-q", "eval", "os:getpid().")
                    .replaceAll("[^0-9]", ""));
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** order-service's API as the bench's storefront and payment provider call it. */
    Api api() {
        return new Api(() -> List.of(orderUrl), workerUrl, CREDENTIALS, Duration.ofSeconds(30));
    }

    private ServiceProcess worker() {
        return services.workers().get(0);
    }

    /** Starts expiry-worker (again) and waits until it is UP. */
    void startWorker() {
        worker().start();
        worker().awaitUp(startup);
    }

    /** Stops expiry-worker (a clean shutdown) and waits until it is gone. */
    void stopWorker() {
        if (services != null) {
            worker().stop(Duration.ofSeconds(60));
        }
    }

    long workerPid() {
        return services == null || !worker().alive() ? -1 : worker().pid();
    }

    long orderServicePid() {
        return services == null ? -1 : services.orderServices().get(0).pid();
    }

    java.sql.Connection db() throws Exception {
        return DriverManager.getConnection(dbUrl, dbUser, dbPassword);
    }

    Connection broker() {
        return servers.rabbitConnection("bench");
    }

    Duration paymentTimeout() {
        return paymentTimeout;
    }

    /** The bench's broker, user and vhost as an AMQP 1.0 URI. */
    String amqp10Uri() {
        return "amqp://%s:%s@%s:%d/%s"
                .formatted(
                        BrokerFloor.encode(servers.rabbitUser()),
                        BrokerFloor.encode(servers.rabbitPassword()),
                        servers.rabbitHost(),
                        servers.rabbitPort(),
                        BrokerFloor.encode(servers.rabbitVhost()));
    }

    long queueDepth(String queue) {
        try {
            return servers.withBroker("bench", broker -> broker.messageCount(queue));
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** Whether the services park every message in the work queue ({@code --transport quorum-delay}). */
    final boolean parks;

    /** Messages waiting for their delay, over every level of the cascade and the payment window's queue. */
    long delayedDepth() {
        try {
            return servers.withBroker(
                    "bench", broker -> broker.withWindow(paymentTimeout).delayedCount());
        } catch (RuntimeException e) {
            return -1;
        }
    }

    String brokerVersion() {
        try {
            return servers.withBroker("bench", Broker::serverVersion);
        } catch (RuntimeException e) {
            return "unknown";
        }
    }

    @Override
    public void close() {
        if (services != null) {
            services.close();
        }
    }
}
