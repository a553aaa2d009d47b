package com.example.orders.order;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.orders.security.SliceSecurity;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Against the real database: the order a placement answers is the order as stored (placing reads the
 * database's clock with the prices and reads nothing back), and a payment answers the stored order with
 * every item, read in one statement.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.datasource.url=${IT_DATASOURCE_URL:jdbc:mysql://127.0.0.1:3306/orders_test}",
            "spring.rabbitmq.host=127.0.0.1",
            "spring.rabbitmq.port=${IT_RABBITMQ_PORT:5672}",
            "spring.rabbitmq.virtual-host=${IT_RABBITMQ_VIRTUAL_HOST:orders-test}",
            "orders.delay-transport=dead-letter-ttl",
            "orders.storefront-tokens=" + OrderReadBackIT.TOKEN,
            "orders.payment-secrets=" + OrderReadBackIT.SECRET,
            "orders.warm-up.requests=0"
        })
class OrderReadBackIT {

    static final String TOKEN = "read-back-it-token";
    static final String SECRET = "read-back-it-secret";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newHttpClient();
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @LocalServerPort
    private int port;

    @Test
    void thePlacedOrderIsTheStoredOneAndThePaymentAnswersItWithEveryItem() throws Exception {
        String mug = "rb-" + run + "-mug";
        String cup = "rb-" + run + "-cup";
        send(storefront("/api/products/" + mug, "PUT", "{\"name\":\"mug\",\"priceCents\":450,\"stock\":10}"));
        send(storefront("/api/products/" + cup, "PUT", "{\"name\":\"cup\",\"priceCents\":120,\"stock\":10}"));

        HttpResponse<String> placed = send(storefront(
                "/api/orders",
                "POST",
                "{\"customerId\":\"c-%s\",\"items\":[{\"sku\":\"%s\",\"quantity\":2},{\"sku\":\"%s\",\"quantity\":3}]}"
                        .formatted(run, mug, cup)));
        assertThat(placed.statusCode()).isEqualTo(201);
        JsonNode order = JSON.readTree(placed.body());
        String id = order.get("id").asString();
        assertThat(order.get("items")).hasSize(2);
        assertThat(order.get("items").get(0).get("sku").asString())
                .as("items in sku order")
                .isEqualTo(cup);
        assertThat(order.get("totalCents").asLong()).isEqualTo(2 * 450 + 3 * 120);
        assertThat(order.get("paidAt").isNull()).isTrue();
        assertThat(order.get("closedAt").isNull()).isTrue();

        HttpResponse<String> stored = send(storefront("/api/orders/" + id, "GET", null));
        assertThat(JSON.readTree(stored.body())).isEqualTo(order);

        HttpResponse<String> paid = send(signedPayment(id, "{\"paymentId\":\"pay-" + run + "\"}"));
        assertThat(paid.statusCode()).isEqualTo(200);
        JsonNode paidOrder = JSON.readTree(paid.body());
        assertThat(paidOrder.get("status").asString()).isEqualTo("PAID");
        assertThat(paidOrder.get("items")).isEqualTo(order.get("items"));
        assertThat(paidOrder.get("createdAt")).isEqualTo(order.get("createdAt"));
        assertThat(paidOrder.get("expiresAt")).isEqualTo(order.get("expiresAt"));
        assertThat(JSON.readTree(
                        send(storefront("/api/orders/" + id, "GET", null)).body()))
                .isEqualTo(paidOrder);
    }

    @Test
    void aPaymentWindowIsKeptToTheMillisecondAndAFinerOneIsRoundedUpNeverShortened() throws Exception {
        String sku = "rb-" + run + "-window";
        send(storefront("/api/products/" + sku, "PUT", "{\"name\":\"w\",\"priceCents\":100,\"stock\":10}"));
        for (String window : new String[] {"PT7.25S", "PT2.0005S", "PT0.0000001S", "PT23H59M59.999S"}) {
            HttpResponse<String> placed = send(storefront(
                    "/api/orders",
                    "POST",
                    "{\"customerId\":\"c-%s\",\"items\":[{\"sku\":\"%s\",\"quantity\":1}],\"paymentTimeout\":\"%s\"}"
                            .formatted(run, sku, window)));
            if (window.equals("PT0.0000001S")) { // below the 1 s minimum: refused, nothing written
                assertThat(placed.statusCode()).isEqualTo(400);
                continue;
            }
            assertThat(placed.statusCode()).as(window).isEqualTo(201);
            JsonNode order = JSON.readTree(placed.body());
            java.time.Duration asked = java.time.Duration.parse(window);
            java.time.Duration given = java.time.Duration.between(
                    Instant.parse(order.get("createdAt").asString()),
                    Instant.parse(order.get("expiresAt").asString()));
            assertThat(given).as(window).isGreaterThanOrEqualTo(asked).isLessThan(asked.plusMillis(1));
            assertThat(JSON.readTree(
                            send(storefront("/api/orders/" + order.get("id").asString(), "GET", null))
                                    .body()))
                    .as("the answer of " + window + " is what the database stored")
                    .isEqualTo(order);
        }
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest storefront(String path, String method, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return request.build();
    }

    private HttpRequest signedPayment(String orderId, String body) {
        long t = Instant.now().getEpochSecond();
        String signature = SliceSecurity.hmac(SECRET, t, body.getBytes(StandardCharsets.UTF_8));
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/orders/" + orderId + "/payment"))
                .header("Content-Type", "application/json")
                .header("Payment-Signature", "t=" + t + ",v1=" + signature)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }
}
