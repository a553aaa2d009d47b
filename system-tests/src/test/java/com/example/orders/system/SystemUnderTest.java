package com.example.orders.system;

import com.example.orders.testsupport.Api;
import com.example.orders.testsupport.Broker;
import com.example.orders.testsupport.Database;
import com.example.orders.testsupport.Servers;
import com.example.orders.testsupport.Services;
import com.example.orders.testsupport.Services.Role;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Both services as a user runs them: the runnable jars, started as separate processes with
 * environment variables, against the real local RabbitMQ (vhost {@code orders-test}) and MariaDB
 * (database {@code orders_test}), both emptied first. One stack for the whole test run; logs in
 * {@code target/system-tests/}.
 */
final class SystemUnderTest {

    static final Duration PAYMENT_TIMEOUT = Duration.ofSeconds(3);
    /**
     * The product's default: several tests assert that no order had to be rescued, which on a loaded
     * machine a 3 s grace could not tell from the delay cascade's own lateness (BrokerRefusalIT failed
     * so on RabbitMQ 3.10 with three other test runs on the same two cores).
     */
    static final Duration SWEEP_GRACE = Duration.ofSeconds(10);

    static final String STOREFRONT_TOKEN = "it-storefront-token";
    /** The provider's current secret; the service also still accepts an older one (rotation). */
    static final String PAYMENT_SECRET = "it-payment-secret";

    static final String OLD_PAYMENT_SECRET = "it-payment-secret-old";

    static final Servers SERVERS = Servers.fromEnv("IT", "orders_test", "orders-test");
    static final String DB_URL = SERVERS.dbUrl();
    static final String RABBIT_HOST = SERVERS.rabbitHost();
    static final String RABBIT_VHOST = SERVERS.rabbitVhost();

    /** Read-only checks straight on the database, for what the API does not show. */
    static final Database DATABASE = SERVERS.database();

    static final Duration STARTUP = Duration.ofSeconds(90);
    static final List<String> JVM = List.of("-Xmx256m");

    private static SystemUnderTest instance;

    final String orderServiceUrl;
    final String workerUrl;
    private final Services services;
    private String secondOrderServiceUrl;

    private SystemUnderTest(Services services) {
        this.services = services;
        this.orderServiceUrl = services.orderServices().get(0).url();
        this.workerUrl = services.workers().get(0).url();
    }

    static synchronized SystemUnderTest get() {
        if (instance == null) {
            try {
                instance = start();
            } catch (Exception e) {
                throw new IllegalStateException("could not start the services", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(instance.services::close));
        }
        return instance;
    }

    /** The test's own connection to the vhost: publish by hand, read the dead-letter queue, count messages. */
    static Broker broker() {
        return SERVERS.broker("system-tests");
    }

    /** A storefront and a payment provider talking to the first order-service instance. */
    Api api() {
        return new Api(
                () -> List.of(orderServiceUrl), workerUrl, new Api.Credentials(STOREFRONT_TOKEN, PAYMENT_SECRET), null);
    }

    private static SystemUnderTest start() throws Exception {
        DATABASE.recreate();
        try (Broker broker = broker()) {
            broker.deleteQueues();
        }
        return new SystemUnderTest(Services.start(
                Path.of("target", "system-tests"),
                STARTUP,
                Role.orderService(orderServiceEnv(), JVM),
                1,
                Role.worker(workerEnv(), JVM),
                1));
    }

    /**
     * Each service runs as its own least-privileged database and broker user, as in the compose stack
     * (scripts/prepare-local.sh creates them from docker/mysql/init and docker/rabbitmq).
     */
    static Map<String, String> orderServiceEnv() {
        Map<String, String> env = commonEnv();
        env.putAll(Map.of(
                "SPRING_DATASOURCE_USERNAME", "order_service",
                "SPRING_DATASOURCE_PASSWORD", "order-service-dev",
                "SPRING_RABBITMQ_USERNAME", "order-service",
                "SPRING_RABBITMQ_PASSWORD", "order-service-dev"));
        return env;
    }

    static Map<String, String> workerEnv() {
        Map<String, String> env = commonEnv();
        env.putAll(Map.of(
                "SPRING_DATASOURCE_USERNAME", "expiry_worker",
                "SPRING_DATASOURCE_PASSWORD", "expiry-worker-dev",
                "SPRING_RABBITMQ_USERNAME", "expiry-worker",
                "SPRING_RABBITMQ_PASSWORD", "expiry-worker-dev",
                "EXPIRY_SWEEP_INTERVAL", "1s",
                "EXPIRY_SWEEP_GRACE", SWEEP_GRACE.toSeconds() + "s"));
        return env;
    }

    private static Map<String, String> commonEnv() {
        Map<String, String> env = new HashMap<>(SERVERS.springLocation());
        env.putAll(Map.of(
                "ORDERS_PAYMENT_TIMEOUT",
                PAYMENT_TIMEOUT.toSeconds() + "s",
                "ORDERS_DELAY_TRANSPORT",
                "auto",
                "ORDERS_STOREFRONT_TOKENS",
                "another-storefront," + STOREFRONT_TOKEN,
                "ORDERS_PAYMENT_SECRETS",
                OLD_PAYMENT_SECRET + "," + PAYMENT_SECRET));
        return env;
    }

    /**
     * A second order-service instance on the same database and vhost, as a deployment behind a load
     * balancer runs it; started on first use, then shared.
     */
    synchronized String secondOrderServiceUrl() {
        if (secondOrderServiceUrl == null) {
            secondOrderServiceUrl = services.addOrderService().url();
        }
        return secondOrderServiceUrl;
    }
}
