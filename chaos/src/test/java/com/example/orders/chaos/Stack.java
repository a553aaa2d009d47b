package com.example.orders.chaos;

import com.example.orders.testsupport.Api;
import com.example.orders.testsupport.Broker;
import com.example.orders.testsupport.ServiceProcess;
import com.example.orders.testsupport.Services;
import com.example.orders.testsupport.Services.Role;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.Stream;

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
    final List<ServiceProcess> orderServices;
    final List<ServiceProcess> workers;
    private final Services services;

    private Stack(String name, Services services) {
        this.name = name;
        this.logDir = services.logDir();
        this.services = services;
        this.orderServices = services.orderServices();
        this.workers = services.workers();
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
        return start(name, orderServices, workers, workerEnv, instance -> Map.of());
    }

    /**
     * {@code orderServiceEnv} adds the settings of the n-th order-service (0-based), e.g. a database
     * URL that starts at another node of a cluster.
     */
    static synchronized Stack start(
            String name,
            int orderServices,
            int workers,
            Map<String, String> workerEnv,
            IntFunction<Map<String, String>> orderServiceEnv) {
        if (current != null) {
            current.close();
        }
        Settings.db().recreate();
        try (Broker broker = Settings.broker()) {
            broker.deleteQueues();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> env = new HashMap<>(Settings.SERVERS.springLocation());
        env.putAll(Settings.SERVERS.springAccounts());
        env.putAll(Map.of(
                "ORDERS_PAYMENT_TIMEOUT",
                Settings.PAYMENT_TIMEOUT.toSeconds() + "s",
                "ORDERS_DELAY_TRANSPORT",
                "auto",
                "ORDERS_STOREFRONT_TOKENS",
                Settings.STOREFRONT_TOKEN,
                "ORDERS_PAYMENT_SECRETS",
                Settings.PAYMENT_SECRET));
        Map<String, String> workerSettings = new HashMap<>(env);
        workerSettings.putAll(Map.of(
                "EXPIRY_SWEEP_INTERVAL", "1s",
                "EXPIRY_SWEEP_GRACE", Settings.SWEEP_GRACE.toSeconds() + "s",
                "EXPIRY_MAX_RETRY_DELAY", "4s"));
        workerSettings.putAll(workerEnv);
        List<String> jvm = List.of("-Xmx256m", "-XX:TieredStopAtLevel=1");
        Stack stack = new Stack(
                name,
                Services.start(
                        Path.of("target", "chaos", name).toAbsolutePath(),
                        STARTUP,
                        Role.orderService(env, jvm).withInstanceEnv(orderServiceEnv),
                        orderServices,
                        Role.worker(workerSettings, jvm),
                        workers));
        current = stack;
        Runtime.getRuntime().addShutdownHook(new Thread(stack::close));
        return stack;
    }

    /** Waits until every instance that is running answers UP. */
    void awaitUp(Duration atMost) {
        Stream.concat(orderServices.stream(), workers.stream())
                .filter(ServiceProcess::alive)
                .forEach(s -> s.awaitUp(atMost));
    }

    /** Base URLs of the order-service instances currently running. */
    List<String> liveOrderServiceUrls() {
        return services.liveOrderServiceUrls();
    }

    String workerUrl(int index) {
        return workers.get(index).url();
    }

    /** A storefront and a payment provider, each call on any order-service instance that is up. */
    Api api() {
        return new Api(this::liveOrderServiceUrls, workerUrl(0), Settings.CREDENTIALS, Duration.ofSeconds(20));
    }

    @Override
    public synchronized void close() {
        services.close();
        synchronized (Stack.class) {
            if (current == this) {
                current = null;
            }
        }
    }
}
