package com.example.orders.testsupport;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a run's database and broker are: the JDBC URL and the account the test itself uses, the
 * RabbitMQ host (or a cluster's {@code host:port,...}), vhost and account. The services are pointed
 * at the same places ({@link #springLocation}).
 */
public record Servers(
        String dbUrl,
        String dbUser,
        String dbPassword,
        String rabbitHost,
        int rabbitPort,
        String rabbitVhost,
        String rabbitUser,
        String rabbitPassword,
        String rabbitAddresses) {

    /**
     * From {@code <prefix>_DATASOURCE_URL}, {@code _USERNAME}, {@code _PASSWORD} and {@code
     * <prefix>_RABBITMQ_HOST}, {@code _PORT}, {@code _VIRTUAL_HOST}, {@code _USERNAME}, {@code _PASSWORD}
     * (scripts/test.sh points the second pass at RabbitMQ 4.3 this way), with the local defaults:
     * database {@code database} on 127.0.0.1:3306 as orders/orders, vhost {@code vhost} on
     * 127.0.0.1:5672 as guest/guest.
     */
    public static Servers fromEnv(String prefix, String database, String vhost) {
        return new Servers(
                env(prefix + "_DATASOURCE_URL", "jdbc:mysql://127.0.0.1:3306/" + database),
                env(prefix + "_DATASOURCE_USERNAME", "orders"),
                env(prefix + "_DATASOURCE_PASSWORD", "orders"),
                env(prefix + "_RABBITMQ_HOST", "127.0.0.1"),
                Integer.parseInt(env(prefix + "_RABBITMQ_PORT", "5672")),
                env(prefix + "_RABBITMQ_VIRTUAL_HOST", vhost),
                env(prefix + "_RABBITMQ_USERNAME", "guest"),
                env(prefix + "_RABBITMQ_PASSWORD", "guest"),
                null);
    }

    /** The same, with the database at another URL (a private server). */
    public Servers withDbUrl(String url) {
        return new Servers(
                url,
                dbUser,
                dbPassword,
                rabbitHost,
                rabbitPort,
                rabbitVhost,
                rabbitUser,
                rabbitPassword,
                rabbitAddresses);
    }

    /** The same, with the broker a cluster at {@code host:port,...} (null: {@link #rabbitHost}, {@link #rabbitPort}). */
    public Servers withRabbitAddresses(String addresses) {
        return new Servers(
                dbUrl, dbUser, dbPassword, rabbitHost, rabbitPort, rabbitVhost, rabbitUser, rabbitPassword, addresses);
    }

    /** The database's name, the last segment of {@link #dbUrl} without its parameters. */
    public String databaseName() {
        return dbUrl.substring(dbUrl.lastIndexOf('/') + 1).replaceAll("\\?.*", "");
    }

    /** The services' settings that point them here (not their accounts). */
    public Map<String, String> springLocation() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SPRING_DATASOURCE_URL", dbUrl);
        env.put("SPRING_RABBITMQ_HOST", rabbitHost);
        env.put("SPRING_RABBITMQ_PORT", Integer.toString(rabbitPort));
        env.put("SPRING_RABBITMQ_VIRTUAL_HOST", rabbitVhost);
        if (rabbitAddresses != null) {
            env.put("SPRING_RABBITMQ_ADDRESSES", rabbitAddresses);
        }
        return env;
    }

    /** The services' accounts when they run as the test's own (every privilege). */
    public Map<String, String> springAccounts() {
        return Map.of(
                "SPRING_DATASOURCE_USERNAME", dbUser,
                "SPRING_DATASOURCE_PASSWORD", dbPassword,
                "SPRING_RABBITMQ_USERNAME", rabbitUser,
                "SPRING_RABBITMQ_PASSWORD", rabbitPassword);
    }

    public Database database() {
        return new Database(dbUrl, dbUser, dbPassword);
    }

    /** A broker connection of the test's own, with a confirming channel; close it after use. */
    public Broker broker(String clientName) {
        return new Broker(rabbitConnection(clientName));
    }

    @FunctionalInterface
    public interface BrokerWork<T> {
        T run(Broker broker) throws IOException;
    }

    /** {@code work} on a connection of its own, closed after: for a run whose faults close connections. */
    public <T> T withBroker(String clientName, BrokerWork<T> work) {
        try (Broker broker = broker(clientName)) {
            return work.run(broker);
        } catch (IOException e) {
            throw new UncheckedIOException("broker call failed", e);
        }
    }

    /** A plain connection to the vhost, for what a scenario does on its own channels. */
    public Connection rabbitConnection(String clientName) {
        var factory = new ConnectionFactory();
        factory.setHost(rabbitHost);
        factory.setPort(rabbitPort);
        factory.setVirtualHost(rabbitVhost);
        factory.setUsername(rabbitUser);
        factory.setPassword(rabbitPassword);
        factory.setAutomaticRecoveryEnabled(false);
        try {
            return rabbitAddresses == null
                    ? factory.newConnection(clientName)
                    : factory.newConnection(Address.parseAddresses(rabbitAddresses), clientName);
        } catch (Exception e) {
            throw new IllegalStateException("cannot reach RabbitMQ (vhost " + rabbitVhost + ")", e);
        }
    }

    /** An environment variable, or {@code fallback} when it is unset or blank. */
    public static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
