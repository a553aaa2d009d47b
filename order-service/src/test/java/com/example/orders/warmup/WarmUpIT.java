package com.example.orders.warmup;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Against the real database and broker: a started service has sent itself its warm-up requests over
 * its own port, says UP, and its warm-up left nothing behind (no order, no product, no message).
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.datasource.url=${IT_DATASOURCE_URL:jdbc:mysql://127.0.0.1:3306/orders_test}",
            "spring.rabbitmq.host=127.0.0.1",
            "spring.rabbitmq.port=${IT_RABBITMQ_PORT:5672}",
            "spring.rabbitmq.virtual-host=${IT_RABBITMQ_VIRTUAL_HOST:orders-test}",
            "orders.delay-transport=dead-letter-ttl",
            "orders.storefront-tokens=warm-up-it-token",
            "orders.payment-secrets=warm-up-it-secret",
            "orders.warm-up.requests=300"
        })
class WarmUpIT {

    private static final Pattern REFUSED_ORDERS = Pattern.compile(
            "http_server_requests_seconds_count\\{[^}]*method=\"POST\"[^}]*status=\"404\"[^}]*uri=\"/api/orders\"[^}]*} (\\d+)");

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aStartedServiceHasWarmedUpThroughItsOwnPortIsUpAndWroteNothing() throws Exception {
        assertThat(get("/actuator/health").body()).contains("\"status\":\"UP\"");
        Matcher refused = REFUSED_ORDERS.matcher(get("/actuator/prometheus").body());
        assertThat(refused.find())
                .as("warm-up orders for an unknown sku, answered 404")
                .isTrue();
        assertThat(Long.parseLong(refused.group(1))).isEqualTo(300 / 3);

        assertThat(count("SELECT COUNT(*) FROM orders WHERE customer_id = 'warm-up'"))
                .as("orders placed by the warm-up")
                .isZero();
        assertThat(count("SELECT COUNT(*) FROM product WHERE sku LIKE 'warm-up-%'"))
                .as("products made by the warm-up")
                .isZero();
        assertThat(count("SELECT COUNT(*) FROM outbox WHERE payload LIKE '%\"warm-up\"%'"))
                .as("messages about warm-up orders")
                .isZero();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    private long count(String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }
}
