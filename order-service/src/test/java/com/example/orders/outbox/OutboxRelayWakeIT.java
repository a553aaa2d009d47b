package com.example.orders.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Against the real database and broker: the relay publishes an order's message because the order's
 * transaction committed, not because a poll came round: its poll here is an hour, so only the wake-up
 * on commit can publish within the test.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.datasource.url=${IT_DATASOURCE_URL:jdbc:mysql://127.0.0.1:3306/orders_test}",
            "spring.rabbitmq.host=127.0.0.1",
            "spring.rabbitmq.port=${IT_RABBITMQ_PORT:5672}",
            "spring.rabbitmq.virtual-host=${IT_RABBITMQ_VIRTUAL_HOST:orders-test}",
            "orders.delay-transport=dead-letter-ttl",
            "orders.outbox.poll-interval=1h",
            "orders.storefront-tokens=relay-wake-it-token",
            "orders.payment-secrets=relay-wake-it-secret",
            "orders.warm-up.requests=0"
        })
class OutboxRelayWakeIT {

    private static final String BEARER = "Bearer relay-wake-it-token";
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void anOrdersMessageIsPublishedOnceItsTransactionCommitsWithoutWaitingForThePoll() throws Exception {
        String sku = "relay-wake-" + UUID.randomUUID();
        assertThat(send("PUT", "/api/products/" + sku, "{\"name\":\"Mug\",\"priceCents\":100,\"stock\":5}")
                        .statusCode())
                .isEqualTo(201);

        for (int i = 0; i < 3; i++) {
            HttpResponse<String> placed = send(
                    "POST",
                    "/api/orders",
                    "{\"customerId\":\"relay-wake\",\"items\":[{\"sku\":\"" + sku + "\",\"quantity\":1}]}");
            assertThat(placed.statusCode()).isEqualTo(201);
            Matcher id = ID.matcher(placed.body());
            assertThat(id.find()).isTrue();
            String orderId = id.group(1);

            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(sentAt(orderId))
                            .as("the order's message marked sent (published and confirmed)")
                            .isEqualTo(1));
        }
    }

    private long sentAt(String orderId) {
        return jdbc.sql("SELECT COUNT(*) FROM outbox WHERE payload LIKE :id AND sent_at IS NOT NULL")
                .param("id", "%" + orderId + "%")
                .query(Long.class)
                .single();
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Authorization", BEARER)
                        .header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
