package com.example.orders.chaos;

import com.example.orders.testsupport.Api;
import com.example.orders.testsupport.Broker;
import com.example.orders.testsupport.Database;
import com.example.orders.testsupport.Rabbitmqctl;
import com.example.orders.testsupport.Servers;
import java.time.Duration;
import java.util.List;

/**
 * Where the chaos run lives: its own database ({@code orders_chaos}) and RabbitMQ vhost
 * ({@code orders-chaos}), so that faults never touch anyone else's tests or benchmarks on the machine.
 */
final class Settings {

    static final Duration PAYMENT_TIMEOUT = Duration.ofSeconds(4);
    static final Duration SWEEP_GRACE = Duration.ofSeconds(3);

    /**
     * The database and broker the run uses: the machine's shared servers by default; a scenario on a
     * private database ({@link PrivateMariaDb#use}) or cluster ({@link PrivateRabbitCluster#use}) points
     * them there for its duration.
     */
    static volatile Servers SERVERS = Servers.fromEnv("CHAOS", "orders_chaos", "orders-chaos");

    /** The rabbitmqctl command line; a private cluster aims it at one of its nodes. */
    static volatile List<String> RABBITMQCTL = Rabbitmqctl.commandFromEnv("CHAOS");

    /** Credentials the services are started with. */
    static final String STOREFRONT_TOKEN = "chaos-storefront-token";

    static final String PAYMENT_SECRET = "chaos-payment-secret";

    static final Api.Credentials CREDENTIALS = new Api.Credentials(STOREFRONT_TOKEN, PAYMENT_SECRET);

    private Settings() {}

    /** The chaos run's own hands on its database: read what the services wrote, kill their connections. */
    static Database db() {
        return SERVERS.database();
    }

    /**
     * A connection of the run's own to its vhost; open one per use, because the broker fault closes
     * every connection of the vhost, ours included.
     */
    static Broker broker() {
        return SERVERS.broker("chaos");
    }

    /** {@code work} on a broker connection of its own (see {@link #broker}). */
    static <T> T withBroker(Servers.BrokerWork<T> work) {
        return SERVERS.withBroker("chaos", work);
    }

    static Rabbitmqctl rabbitmqctl() {
        return new Rabbitmqctl(RABBITMQCTL);
    }

    static String vhost() {
        return SERVERS.rabbitVhost();
    }
}
