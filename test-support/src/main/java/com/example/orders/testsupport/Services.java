package com.example.orders.testsupport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * order-service and expiry-worker instances started as processes ({@link ServiceProcess}), each on a
 * free port, labelled {@code order-service-1}, {@code expiry-worker-1} ... The first order-service
 * starts alone (it applies the schema); then the others and the workers start together, and each is
 * awaited until healthy.
 */
public final class Services implements AutoCloseable {

    /**
     * The jar's module, the jar and its settings, for each instance of one service; {@code instanceEnv}
     * adds the settings of the n-th instance (0-based), e.g. each on another node of a database cluster.
     */
    public record Role(
            String module,
            Map<String, String> env,
            List<String> jvmOptions,
            Path jar,
            IntFunction<Map<String, String>> instanceEnv) {

        public static Role orderService(Map<String, String> env, List<String> jvmOptions) {
            return of("order-service", env, jvmOptions);
        }

        public static Role worker(Map<String, String> env, List<String> jvmOptions) {
            return of("expiry-worker", env, jvmOptions);
        }

        private static Role of(String module, Map<String, String> env, List<String> jvmOptions) {
            return new Role(module, env, jvmOptions, ServiceProcess.jar(module), instance -> Map.of());
        }

        /**
         * The same service started as {@code scripts/run-local.sh} starts it, with class data sharing;
         * this build's archive is recorded first if it has none ({@link ClassData}).
         */
        public Role withClassData() {
            ClassData start = ClassData.of(module, true, env);
            List<String> options = new ArrayList<>(jvmOptions);
            options.addAll(start.jvmOptions());
            return new Role(module, env, options, start.jar(), instanceEnv);
        }

        /** The same, each instance with {@code settings.apply(n)} on top of the common settings. */
        public Role withInstanceEnv(IntFunction<Map<String, String>> settings) {
            return new Role(module, env, jvmOptions, jar, settings);
        }
    }

    private final Path logDir;
    private final Duration startup;
    private final Role orderService;
    private final Role worker;
    private final List<ServiceProcess> orderServices = new ArrayList<>();
    private final List<ServiceProcess> workers = new ArrayList<>();

    private Services(Path logDir, Duration startup, Role orderService, Role worker) {
        this.logDir = logDir;
        this.startup = startup;
        this.orderService = orderService;
        this.worker = worker;
    }

    /** Starts {@code orderServices} and {@code workers} instances; stops what started if one fails. */
    public static Services start(
            Path logDir, Duration startup, Role orderService, int orderServices, Role worker, int workers) {
        Services services = new Services(logDir, startup, orderService, worker);
        try {
            for (int i = 0; i < orderServices; i++) {
                services.orderServices.add(services.instance(orderService, services.orderServices.size()));
            }
            for (int i = 0; i < workers; i++) {
                services.workers.add(services.instance(worker, services.workers.size()));
            }
            ServiceProcess first = services.orderServices.get(0);
            first.start();
            first.awaitUp(startup);
            List<ServiceProcess> rest = new ArrayList<>(services.orderServices.subList(1, orderServices));
            rest.addAll(services.workers);
            rest.forEach(ServiceProcess::start);
            rest.forEach(s -> s.awaitUp(startup));
            return services;
        } catch (RuntimeException e) {
            services.close();
            throw e;
        }
    }

    private ServiceProcess instance(Role role, int existing) {
        int port = ServiceProcess.freePort();
        Map<String, String> env = new HashMap<>(role.env());
        env.putAll(role.instanceEnv().apply(existing));
        env.put("SERVER_PORT", Integer.toString(port));
        return new ServiceProcess(
                role.module() + "-" + (existing + 1),
                port,
                ServiceProcess.jarCommand(role.jar(), role.jvmOptions()),
                env,
                logDir);
    }

    /** One more order-service on the same database and vhost, started and awaited. */
    public synchronized ServiceProcess addOrderService() {
        ServiceProcess added = instance(orderService, orderServices.size());
        orderServices.add(added);
        added.start();
        added.awaitUp(startup);
        return added;
    }

    public List<ServiceProcess> orderServices() {
        return orderServices;
    }

    public List<ServiceProcess> workers() {
        return workers;
    }

    public Path logDir() {
        return logDir;
    }

    public Duration startup() {
        return startup;
    }

    /** Base URLs of the order-service instances running now. */
    public List<String> liveOrderServiceUrls() {
        return orderServices.stream()
                .filter(ServiceProcess::alive)
                .map(ServiceProcess::url)
                .toList();
    }

    /** A graceful stop of every instance at once (SIGKILL for any still running after 30 s). */
    @Override
    public void close() {
        List<ServiceProcess> all = new ArrayList<>(orderServices);
        all.addAll(workers);
        all.forEach(ServiceProcess::signalStop);
        all.forEach(s -> s.awaitStopped(Duration.ofSeconds(30)));
    }
}
