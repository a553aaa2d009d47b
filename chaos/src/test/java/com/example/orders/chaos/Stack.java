package com.example.orders.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * order-service and expiry-worker instances, as processes, on an emptied {@code orders_chaos}
 * database and {@code orders-chaos} vhost. One stack at a time in the test JVM: starting one stops the
 * previous.
 */
final class Stack implements AutoCloseable {

    static final Duration STARTUP = Duration.ofSeconds(120);

    private static Stack current;

    final String name;
    final Path logDir;
    final List<ServiceProcess> orderServices = new ArrayList<>();
    final List<ServiceProcess> workers = new ArrayList<>();

    private Stack(String name) {
        this.name = name;
        this.logDir = Path.of("target", "chaos", name).toAbsolutePath();
    }

    /** The stack the bad-input suites share: started on first use, one instance of each service. */
    static synchronized Stack shared() {
        if (current == null || !"bad-input".equals(current.name)) {
            start("bad-input", 1, 1);
        }
        return current;
    }

    static synchronized Stack start(String name, int orderServices, int workers) {
        return start(name, orderServices, workers, Map.of());
    }

    /** {@code workerEnv} adds to (or overrides) the workers' settings, e.g. a longer sweep grace. */
    static synchronized Stack start(String name, int orderServices, int workers, Map<String, String> workerEnv) {
        if (current != null) {
            current.close();
        }
        Database.recreate();
        Broker.deleteQueues();
        Stack stack = new Stack(name);
        current = stack;
        Runtime.getRuntime().addShutdownHook(new Thread(stack::close));
        for (int i = 1; i <= orderServices; i++) {
            stack.orderServices.add(stack.service("order-service", "order-service-" + i, Map.of()));
        }
        // The first order-service applies the schema; the others and the workers wait for it.
        stack.orderServices.get(0).start();
        stack.orderServices.get(0).awaitUp(STARTUP);
        Map<String, String> workerSettings = new HashMap<>(Map.of(
                "EXPIRY_SWEEP_INTERVAL", "1s",
                "EXPIRY_SWEEP_GRACE", Settings.SWEEP_GRACE.toSeconds() + "s",
                "EXPIRY_MAX_RETRY_DELAY", "4s"));
        workerSettings.putAll(workerEnv);
        for (int i = 1; i <= workers; i++) {
            stack.workers.add(stack.service("expiry-worker", "expiry-worker-" + i, workerSettings));
        }
        stack.orderServices.stream().skip(1).forEach(ServiceProcess::start);
        stack.workers.forEach(ServiceProcess::start);
        stack.orderServices.forEach(s -> s.awaitUp(STARTUP));
        stack.workers.forEach(s -> s.awaitUp(STARTUP));
        return stack;
    }

    /** Base URLs of the order-service instances currently running. */
    List<String> liveOrderServiceUrls() {
        return orderServices.stream()
                .filter(ServiceProcess::alive)
                .map(ServiceProcess::url)
                .toList();
    }

    String workerUrl(int index) {
        return workers.get(index).url();
    }

    private ServiceProcess service(String jar, String label, Map<String, String> own) {
        Map<String, String> env = new HashMap<>(Map.of(
                "SPRING_DATASOURCE_URL", Settings.DB_URL,
                "SPRING_DATASOURCE_USERNAME", Settings.DB_USER,
                "SPRING_DATASOURCE_PASSWORD", Settings.DB_PASSWORD,
                "SPRING_RABBITMQ_HOST", Settings.RABBIT_HOST,
                "SPRING_RABBITMQ_VIRTUAL_HOST", Settings.RABBIT_VHOST,
                "SPRING_RABBITMQ_USERNAME", Settings.RABBIT_USER,
                "SPRING_RABBITMQ_PASSWORD", Settings.RABBIT_PASSWORD,
                "ORDERS_PAYMENT_TIMEOUT", Settings.PAYMENT_TIMEOUT.toSeconds() + "s",
                "ORDERS_DELAY_TRANSPORT", "auto"));
        if (Settings.RABBIT_ADDRESSES != null) {
            env.put("SPRING_RABBITMQ_ADDRESSES", Settings.RABBIT_ADDRESSES);
        }
        env.put("ORDERS_STOREFRONT_TOKENS", Settings.STOREFRONT_TOKEN);
        env.put("ORDERS_PAYMENT_SECRETS", Settings.PAYMENT_SECRET);
        env.put("SERVER_PORT", Integer.toString(freePort()));
        env.putAll(own);
        return new ServiceProcess(jar, label, Integer.parseInt(env.get("SERVER_PORT")), env, logDir);
    }

    @Override
    public synchronized void close() {
        orderServices.forEach(ServiceProcess::stop);
        workers.forEach(ServiceProcess::stop);
        synchronized (Stack.class) {
            if (current == this) {
                current = null;
            }
        }
    }

    private static int freePort() {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
