package com.example.orders.chaos;

import java.time.Duration;

/**
 * Where the chaos run lives: its own database ({@code orders_chaos}) and RabbitMQ vhost
 * ({@code orders-chaos}), so that faults never touch anyone else's tests or benchmarks on the machine.
 */
final class Settings {

    static final Duration PAYMENT_TIMEOUT = Duration.ofSeconds(4);
    static final Duration SWEEP_GRACE = Duration.ofSeconds(3);

    /**
     * The database the run uses: the machine's shared server by default; a scenario on a private
     * instance ({@link PrivateMariaDb#use}) points it there for its duration.
     */
    static volatile String DB_URL = env("CHAOS_DATASOURCE_URL", "jdbc:mysql://127.0.0.1:3306/orders_chaos");

    static final String DB_USER = env("CHAOS_DATASOURCE_USERNAME", "orders");
    static final String DB_PASSWORD = env("CHAOS_DATASOURCE_PASSWORD", "orders");
    static final String RABBIT_HOST = env("CHAOS_RABBITMQ_HOST", "127.0.0.1");
    static final String RABBIT_VHOST = env("CHAOS_RABBITMQ_VIRTUAL_HOST", "orders-chaos");
    static final String RABBIT_USER = env("CHAOS_RABBITMQ_USERNAME", "guest");
    static final String RABBIT_PASSWORD = env("CHAOS_RABBITMQ_PASSWORD", "guest");

    /**
     * A private cluster ({@link PrivateRabbitCluster#use}) sets both: {@code host:port,...} of its
     * nodes (null: {@link #RABBIT_HOST} on 5672) and the rabbitmqctl command aimed at one of them.
     */
    static volatile String RABBIT_ADDRESSES;

    static volatile java.util.List<String> RABBITMQCTL = java.util.List.of("rabbitmqctl");

    /** Credentials the services are started with (ignored by a build without the security issue). */
    static final String STOREFRONT_TOKEN = "chaos-storefront-token";

    static final String PAYMENT_SECRET = "chaos-payment-secret";

    private Settings() {}

    static String databaseName() {
        return DB_URL.substring(DB_URL.lastIndexOf('/') + 1).replaceAll("\\?.*", "");
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
