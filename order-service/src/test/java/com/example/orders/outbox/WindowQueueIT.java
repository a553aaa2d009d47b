package com.example.orders.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import com.example.orders.contracts.DelayTransport;
import com.example.orders.contracts.Topology;
import com.example.orders.messaging.DelayTransports;
import com.example.orders.messaging.DelayTransportsForTests;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Against the real database and broker, whichever RabbitMQ the tests use (3.10 or 4.3; none here has
 * the delayed-message plugin): an order with the configured payment window (3 s here) reaches the
 * work queue through the window's own queue, one hop, never early and on time; an order with its own
 * {@code paymentTimeout} still through the cascade; and a service that had chosen the plugin follows
 * the broker when a publish into the plugin's exchange is refused. Nothing consumes the work queue
 * but this test, which takes (and acks) only its own orders' messages.
 *
 * <p>The relay polls every 20 ms here: an order goes into the window queue when it is published within
 * one cascade unit (100 ms) of its creation; with the default 100 ms poll about one in eight is not
 * (52 of 60 took the window on 3.10, measured 2026-12-07), and takes the cascade, as exact. Even at
 * 20 ms a loaded machine can publish one late, so each order may pass either way, and at least one
 * must pass the window queue.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.datasource.url=${IT_DATASOURCE_URL:jdbc:mysql://127.0.0.1:3306/orders_test}",
            "spring.rabbitmq.host=127.0.0.1",
            "spring.rabbitmq.port=${IT_RABBITMQ_PORT:5672}",
            "spring.rabbitmq.virtual-host=${IT_RABBITMQ_VIRTUAL_HOST:orders-test}",
            "orders.delay-transport=auto",
            "orders.payment-timeout=3s",
            "orders.outbox.poll-interval=20ms",
            "orders.storefront-tokens=window-queue-it-token",
            "orders.payment-secrets=window-queue-it-secret",
            "orders.warm-up.requests=0"
        })
class WindowQueueIT {

    private static final String WINDOW_QUEUE = "orders.delay.window-3000ms";
    private static final Duration ON_TIME = Duration.ofSeconds(1);
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern EXPIRES_AT = Pattern.compile("\"expiresAt\"\\s*:\\s*\"([^\"]+)\"");

    @LocalServerPort
    int port;

    @Autowired
    DelayTransports transports;

    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<String, Arrival> arrivals = new ConcurrentHashMap<>();
    private final List<String> mine = new ArrayList<>();
    private Connection connection;

    /** When an order's message reached the work queue's consumer, and the queues it was dead-lettered from. */
    record Arrival(Instant at, List<String> deadLetteredFrom) {}

    @BeforeEach
    void consumeTheWorkQueue() throws Exception {
        assumeThat(transports.active())
                .as("the window queue is for brokers before 4.3 without the plugin; this one offers "
                        + transports.active().label())
                .isEqualTo(DelayTransport.DEAD_LETTER_TTL);
        var factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(Integer.parseInt(System.getenv().getOrDefault("IT_RABBITMQ_PORT", "5672")));
        factory.setVirtualHost(System.getenv().getOrDefault("IT_RABBITMQ_VIRTUAL_HOST", "orders-test"));
        connection = factory.newConnection("window-queue-it");
        Channel channel = connection.createChannel();
        channel.basicQos(100);
        channel.basicConsume(Topology.EXPIRY_QUEUE, false, new DefaultConsumer(channel) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body)
                    throws java.io.IOException {
                Instant at = Instant.now();
                String json = new String(body, StandardCharsets.UTF_8);
                synchronized (mine) {
                    for (String id : mine) {
                        if (json.contains(id)) {
                            arrivals.putIfAbsent(id, new Arrival(at, deadLetteredFrom(properties)));
                            channel.basicAck(envelope.getDeliveryTag(), false);
                        }
                    }
                }
                // anything else is not this test's: left unacked, back in the queue when the channel closes
            }
        });
    }

    @AfterEach
    void close() throws Exception {
        if (connection != null) {
            connection.close();
        }
    }

    @Test
    void anOrderWithTheConfiguredWindowWaitsInTheWindowQueueOneHopAndArrivesOnTimeNeverEarly() throws Exception {
        String sku = newProduct(10);
        Map<String, Instant> orders = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 5; i++) {
            String order = placeOrder(sku, null);
            orders.put(id(order), expiresAt(order));
        }

        await().atMost(Duration.ofSeconds(15)).until(() -> arrivals.keySet().containsAll(orders.keySet()));

        // A relay that publishes more than a cascade unit after the commit (a loaded machine) rightly
        // sends the message through the cascade for the time left.
        orders.forEach((id, expiresAt) -> {
            Arrival arrival = arrivals.get(id);
            assertThat(arrival.deadLetteredFrom())
                    .as("order %s passed", id)
                    .satisfiesAnyOf(
                            passed -> assertThat(passed).isEqualTo(List.of(WINDOW_QUEUE)),
                            passed -> assertThat(passed)
                                    .isNotEmpty()
                                    .allMatch(queue -> queue.startsWith("orders.delay.level-")));
            assertOnTime(id, expiresAt, arrival);
        });
        assertThat(orders.keySet())
                .as("orders that passed the window queue, one hop")
                .anyMatch(id -> arrivals.get(id).deadLetteredFrom().equals(List.of(WINDOW_QUEUE)));
        assertThat(get("/actuator/prometheus"))
                .as("counted by how they wait")
                .containsPattern("orders_outbox_delayed_total\\{[^}]*via=\"window\"[^}]*} [1-9]");
    }

    @Test
    void anOrderWithItsOwnPaymentWindowStillWaitsInTheCascade() throws Exception {
        String sku = newProduct(10);
        String order = placeOrder(sku, "PT2S");
        String id = id(order);

        await().atMost(Duration.ofSeconds(15)).until(() -> arrivals.containsKey(id));

        // 2 s = 20 units = 2^4 + 2^2 (levels 04 and 02) if the relay publishes at once; the levels of
        // what is left when it publishes later (a loaded machine: 19 units, levels 04, 01 and 00)
        assertThat(arrivals.get(id).deadLetteredFrom())
                .isNotEmpty()
                .allMatch(queue -> queue.startsWith("orders.delay.level-"), "a level of the cascade")
                .doesNotContain(WINDOW_QUEUE);
        assertOnTime(id, expiresAt(order), arrivals.get(id));
    }

    @Test
    void aServiceThatHadChosenThePluginFollowsTheBrokerWhenItsExchangeRefusesThePublish() throws Exception {
        // as if the service had started while the broker still had the plugin: the plugin's exchange is
        // not there now, and the broker refuses the publish (404 here; a 4.3 node that had the plugin
        // says its exchange type is gone)
        DelayTransportsForTests.decided(transports, DelayTransport.DELAYED_EXCHANGE);
        String sku = newProduct(10);
        String order = placeOrder(sku, null);
        String id = id(order);

        await().atMost(Duration.ofSeconds(15)).until(() -> arrivals.containsKey(id));

        assertThat(transports.active()).isEqualTo(DelayTransport.DEAD_LETTER_TTL);
        assertThat(get("/actuator/info")).contains("\"active\":\"dead-letter-ttl\"");
        assertOnTime(id, expiresAt(order), arrivals.get(id));
    }

    private static void assertOnTime(String id, Instant expiresAt, Arrival arrival) {
        Duration lateness = Duration.between(expiresAt, arrival.at());
        System.out.printf(
                "order %s: arrived %d ms after its deadline through %s%n",
                id, lateness.toMillis(), arrival.deadLetteredFrom());
        assertThat(lateness).as("order %s arrived after its deadline by", id).isGreaterThanOrEqualTo(Duration.ZERO);
        assertThat(lateness).as("order %s arrived after its deadline by", id).isLessThanOrEqualTo(ON_TIME);
    }

    /** The queues named in x-death, where the broker records each dead-lettering of the message. */
    @SuppressWarnings("unchecked")
    private static List<String> deadLetteredFrom(AMQP.BasicProperties properties) {
        List<String> queues = new ArrayList<>();
        Object deaths =
                properties.getHeaders() == null ? null : properties.getHeaders().get("x-death");
        if (deaths instanceof List<?> list) {
            for (Object death : list) {
                queues.add(String.valueOf(((Map<String, Object>) death).get("queue")));
            }
        }
        return queues;
    }

    private String newProduct(int stock) throws Exception {
        String sku = "window-" + UUID.randomUUID();
        send("PUT", "/api/products/" + sku, "{\"name\":\"window\",\"priceCents\":100,\"stock\":" + stock + "}");
        return sku;
    }

    private String placeOrder(String sku, String paymentTimeout) throws Exception {
        String body = "{\"customerId\":\"window-it\",\"items\":[{\"sku\":\"" + sku + "\",\"quantity\":1}]"
                + (paymentTimeout == null ? "" : ",\"paymentTimeout\":\"" + paymentTimeout + "\"") + "}";
        String order = send("POST", "/api/orders", body);
        synchronized (mine) {
            mine.add(id(order));
        }
        return order;
    }

    private String send(String method, String path, String body) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Authorization", "Bearer window-queue-it-token")
                        .header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode())
                .as("%s %s: %s", method, path, response.body())
                .isBetween(200, 201);
        return response.body();
    }

    private String get(String path) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private static String id(String order) {
        return group(ID, order);
    }

    private static Instant expiresAt(String order) {
        return Instant.parse(group(EXPIRES_AT, order));
    }

    private static String group(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        assertThat(m.find()).as("%s in %s", pattern, text).isTrue();
        return m.group(1);
    }
}
