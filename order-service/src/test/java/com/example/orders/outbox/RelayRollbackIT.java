package com.example.orders.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Against the real database and broker: the relay's transaction is aborted after the broker confirmed
 * its batch, as a lost Galera certification or a deadlock aborts it. A trigger on the outbox answers the
 * relay's "mark sent" with error 1213 for this test's order only, the way Galera answers it. The message
 * is then out but its row unsent: it goes out again, and {@code orders_outbox_published_again_total}
 * counts it, so an operator sees how many duplicates consumers dropped.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.datasource.url=${IT_DATASOURCE_URL:jdbc:mysql://127.0.0.1:3306/orders_test}",
            "spring.rabbitmq.host=127.0.0.1",
            "spring.rabbitmq.port=${IT_RABBITMQ_PORT:5672}",
            "spring.rabbitmq.virtual-host=${IT_RABBITMQ_VIRTUAL_HOST:orders-test}",
            "orders.delay-transport=dead-letter-ttl",
            "orders.storefront-tokens=relay-rollback-it-token",
            "orders.payment-secrets=relay-rollback-it-secret",
            "orders.warm-up.requests=0"
        })
class RelayRollbackIT {

    private static final String BEARER = "Bearer relay-rollback-it-token";
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");
    private static final String TRIGGER = "relay_rollback_it";

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    MeterRegistry meters;

    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void dropTrigger() {
        jdbc.sql("DROP TRIGGER IF EXISTS " + TRIGGER).update();
    }

    @Test
    void aBatchWhoseTransactionRollsBackAfterTheConfirmIsPublishedAgainAndCounted() throws Exception {
        String sku = "relay-rollback-" + UUID.randomUUID();
        assertThat(send("PUT", "/api/products/" + sku, "{\"name\":\"Mug\",\"priceCents\":100,\"stock\":5}")
                        .statusCode())
                .isEqualTo(201);

        String committed = placeOrder(sku, "relay-rollback-committed");
        await().atMost(Duration.ofSeconds(20)).until(() -> sent(committed));
        assertThat(publishedAgain())
                .as("a batch whose transaction committed is not counted as published again")
                .isZero();

        String customer = "relay-rollback-" + UUID.randomUUID(); // only this customer's order is aborted
        jdbc.sql("""
                        CREATE TRIGGER %s BEFORE UPDATE ON outbox FOR EACH ROW
                        BEGIN
                          IF OLD.sent_at IS NULL AND NEW.sent_at IS NOT NULL AND OLD.payload LIKE '%%%s%%' THEN
                            SIGNAL SQLSTATE '40001'
                              SET MYSQL_ERRNO = 1213, MESSAGE_TEXT = 'Deadlock found (RelayRollbackIT)';
                          END IF;
                        END""".formatted(TRIGGER, customer)).update();
        String aborted = placeOrder(sku, customer);

        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(publishedAgain())
                        .as("confirmed messages whose rows the aborted transaction left unsent")
                        .isGreaterThanOrEqualTo(2)); // the first attempt and at least one retry
        assertThat(sent(aborted))
                .as("the order's row, while every relay transaction is aborted")
                .isFalse();

        dropTrigger();
        await().atMost(Duration.ofSeconds(20)).until(() -> sent(aborted));
    }

    private double publishedAgain() {
        return meters.counter("orders.outbox.published.again").count();
    }

    private String placeOrder(String sku, String customer) throws Exception {
        HttpResponse<String> placed = send(
                "POST",
                "/api/orders",
                "{\"customerId\":\"" + customer + "\",\"items\":[{\"sku\":\"" + sku + "\",\"quantity\":1}]}");
        assertThat(placed.statusCode()).isEqualTo(201);
        Matcher id = ID.matcher(placed.body());
        assertThat(id.find()).isTrue();
        return id.group(1);
    }

    private boolean sent(String orderId) {
        return jdbc.sql("SELECT COUNT(*) FROM outbox WHERE payload LIKE :id AND sent_at IS NOT NULL")
                        .param("id", "%" + orderId + "%")
                        .query(Long.class)
                        .single()
                > 0;
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
