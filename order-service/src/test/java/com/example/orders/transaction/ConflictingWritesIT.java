package com.example.orders.transaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.example.orders.security.SliceSecurity;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Against the real database: a request whose transaction the database aborts is run again, whole,
 * and the storefront sees only the outcome. A second connection, the test's, holds row locks the way
 * another writer would: crossing the request's locks (a genuine deadlock, error 1213) or holding a
 * row longer than the lock wait (error 1205; the service's sessions wait 1 s here instead of 50 s).
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.datasource.url=" + ConflictingWritesIT.DB_URL_PROPERTY,
            "spring.datasource.hikari.connection-init-sql=SET time_zone = '+00:00', innodb_lock_wait_timeout = 1",
            "spring.rabbitmq.host=127.0.0.1",
            "spring.rabbitmq.port=${IT_RABBITMQ_PORT:5672}",
            "spring.rabbitmq.virtual-host=${IT_RABBITMQ_VIRTUAL_HOST:orders-test}",
            "orders.delay-transport=dead-letter-ttl",
            "orders.storefront-tokens=" + ConflictingWritesIT.TOKEN,
            "orders.payment-secrets=" + ConflictingWritesIT.SECRET,
            "orders.warm-up.requests=0"
        })
class ConflictingWritesIT {

    static final String DB_URL_PROPERTY = "${IT_DATASOURCE_URL:jdbc:mysql://127.0.0.1:3306/orders_test}";
    static final String TOKEN = "conflicting-writes-it-token";
    static final String SECRET = "conflicting-writes-it-secret";

    private static final String DB_URL =
            System.getenv().getOrDefault("IT_DATASOURCE_URL", "jdbc:mysql://127.0.0.1:3306/orders_test");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String PRODUCT_ROW = "SELECT stock FROM product WHERE sku = ? FOR UPDATE";
    private static final String ORDER_ROW = "SELECT status FROM orders WHERE id = ? FOR UPDATE";

    private final HttpClient http = HttpClient.newHttpClient();
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String skuA = "cw-" + run + "-a";
    private final String skuB = "cw-" + run + "-b";

    @LocalServerPort
    private int port;

    @Autowired
    private MeterRegistry meters;

    /** The other writer: its own connection, its own transaction. */
    private Connection other;

    @BeforeEach
    void products() throws Exception {
        for (String sku : new String[] {skuA, skuB}) {
            assertThat(http.send(putProduct(sku, 10), HttpResponse.BodyHandlers.ofString())
                            .statusCode())
                    .isEqualTo(201);
        }
        other = DriverManager.getConnection(DB_URL, "orders", "orders");
        other.setAutoCommit(false);
    }

    @AfterEach
    void release() throws SQLException {
        other.rollback();
        other.close();
    }

    @Test
    void anOrderCaughtInADeadlockIsPlacedOnceWithItsStockTakenOnce() throws Exception {
        double retriesBefore = retries("place-order");
        // The other writer has changed many rows (so the database picks the request as the deadlock's
        // victim: it undoes the transaction that did less) and holds b.
        for (int i = 0; i < 40; i++) {
            execute("INSERT INTO product (sku, name, price_cents, stock) VALUES (?, 'ballast', 1, 1)", skuA + "-" + i);
        }
        execute(PRODUCT_ROW, skuB);

        String customer = "cw-deadlock-" + run;
        CompletableFuture<HttpResponse<String>> placing = placeOrderAsync(customer, "key-" + run);
        // The request reserves a first (lines in sku order) and then waits for b ...
        await().atMost(Duration.ofSeconds(5)).until(() -> lockedByAnother(skuA));
        // ... when the other writer asks for a: each waits for the other, and the database aborts the request.
        execute("UPDATE product SET updated_at = NOW(3) WHERE sku = ?", skuA);
        other.rollback();

        HttpResponse<String> placed = placing.get(20, TimeUnit.SECONDS);
        assertThat(placed.statusCode()).as(placed.body()).isEqualTo(201);
        assertThat(ordersOf(customer)).isEqualTo(1);
        assertThat(stock(skuA)).isEqualTo(9);
        assertThat(stock(skuB)).isEqualTo(9);
        assertThat(retries("place-order")).isGreaterThan(retriesBefore);
    }

    @Test
    void anOrderThatWaitsTooLongForALockOnceIsStillPlaced() throws Exception {
        String customer = "cw-wait-" + run;
        // The first attempt gives up on b after 1 s (error 1205); the other writer is done by the second.
        HttpResponse<String> placed = sentWhileHeldOnce(PRODUCT_ROW, skuB, "place-order", placeOrder(customer, null));

        assertThat(placed.statusCode()).as(placed.body()).isEqualTo(201);
        assertThat(ordersOf(customer)).isEqualTo(1);
        assertThat(stock(skuA)).isEqualTo(9);
        assertThat(stock(skuB)).isEqualTo(9);
    }

    @Test
    void anOrderBlockedPastEveryRetryIsAnswered503WithRetryAfterAndNothingIsWritten() throws Exception {
        execute(PRODUCT_ROW, skuB);
        String customer = "cw-blocked-" + run;
        String key = "key-" + run;

        HttpResponse<String> refused = placeOrderAsync(customer, key).get(30, TimeUnit.SECONDS);

        assertBusy(refused);
        assertThat(ordersOf(customer)).isZero();
        other.rollback();
        assertThat(stock(skuA))
                .as("the first line's reservation was rolled back")
                .isEqualTo(10);
        assertThat(stock(skuB)).isEqualTo(10);

        HttpResponse<String> again = placeOrderAsync(customer, key).get(20, TimeUnit.SECONDS);
        assertThat(again.statusCode())
                .as("the same request again, once the lock is gone")
                .isEqualTo(201);
        assertThat(ordersOf(customer)).isEqualTo(1);
        assertThat(stock(skuA)).isEqualTo(9);
    }

    @Test
    void aPaymentBlockedPastEveryRetryIsAnswered503AndTheProvidersIdenticalRetryPays() throws Exception {
        String orderId = placedOrderId();
        execute(ORDER_ROW, orderId);
        HttpRequest payment = signedPayment(orderId, "{\"paymentId\":\"pay-" + run + "\"}");

        HttpResponse<String> refused =
                http.sendAsync(payment, HttpResponse.BodyHandlers.ofString()).get(30, TimeUnit.SECONDS);
        assertBusy(refused);
        other.rollback();
        assertThat(status(orderId)).isEqualTo("PENDING");

        // The provider sends the very same signed request again: a retry, not a replay.
        HttpResponse<String> paid = http.send(payment, HttpResponse.BodyHandlers.ofString());
        assertThat(paid.statusCode()).as(paid.body()).isEqualTo(200);
        assertThat(status(orderId)).isEqualTo("PAID");
    }

    @Test
    void aPaymentThatWaitsTooLongForTheOrderOnceIsStillPaid() throws Exception {
        String orderId = placedOrderId();
        HttpResponse<String> paid = sentWhileHeldOnce(
                ORDER_ROW, orderId, "payment", signedPayment(orderId, "{\"paymentId\":\"pay-" + run + "\"}"));

        assertThat(paid.statusCode()).as(paid.body()).isEqualTo(200);
        assertThat(status(orderId)).isEqualTo("PAID");
    }

    @Test
    void aCancelThatWaitsTooLongForTheOrderOnceStillGivesTheStockBackOnce() throws Exception {
        String orderId = placedOrderId();
        HttpResponse<String> cancelled = sentWhileHeldOnce(
                ORDER_ROW,
                orderId,
                "cancel",
                storefront("/api/orders/" + orderId + "/cancel")
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build());

        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
        assertThat(status(orderId)).isEqualTo("CANCELLED");
        assertThat(stock(skuA)).isEqualTo(10);
        assertThat(stock(skuB)).isEqualTo(10);
    }

    @Test
    void aProductReplacedWhileAnotherWriterHoldsItOnceIsStillReplaced() throws Exception {
        HttpResponse<String> replaced = sentWhileHeldOnce(PRODUCT_ROW, skuA, "product-put", putProduct(skuA, 25));

        assertThat(replaced.statusCode()).as(replaced.body()).isEqualTo(200);
        assertThat(stock(skuA)).isEqualTo(25);
    }

    /**
     * Sends the request while the other writer holds a row it needs, lets go once the database has
     * aborted the request's transaction and the place is running it again, and returns the answer.
     */
    private HttpResponse<String> sentWhileHeldOnce(String lockRow, String key, String place, HttpRequest request)
            throws Exception {
        double retriesBefore = retries(place);
        execute(lockRow, key);
        CompletableFuture<HttpResponse<String>> answer = http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(5)).until(() -> retries(place) > retriesBefore);
        other.rollback();
        return answer.get(20, TimeUnit.SECONDS);
    }

    private static void assertBusy(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.path("type").asString()).endsWith("/database-busy");
        assertThat(problem.path("status").asInt()).isEqualTo(503);
    }

    private double retries(String place) {
        return meters.counter("orders.transaction.retries", "place", place).count();
    }

    /** True while another transaction holds the sku's row: the test's own look does not wait for it. */
    private boolean lockedByAnother(String sku) throws SQLException {
        try (Connection look = DriverManager.getConnection(DB_URL, "orders", "orders");
                PreparedStatement statement =
                        look.prepareStatement("SELECT stock FROM product WHERE sku = ? FOR UPDATE NOWAIT")) {
            look.setAutoCommit(false);
            statement.setString(1, sku);
            assertThatThrownBy(statement::executeQuery).isInstanceOf(SQLException.class);
            return true;
        } catch (AssertionError notLocked) {
            return false;
        }
    }

    private void execute(String sql, String parameter) throws SQLException {
        try (PreparedStatement statement = other.prepareStatement(sql)) {
            statement.setString(1, parameter);
            statement.execute();
        }
    }

    private long ordersOf(String customer) throws SQLException {
        return queryOne("SELECT COUNT(*) FROM orders WHERE customer_id = ?", customer);
    }

    private long stock(String sku) throws SQLException {
        return queryOne("SELECT stock FROM product WHERE sku = ?", sku);
    }

    private String status(String orderId) throws Exception {
        HttpResponse<String> order =
                http.send(storefront("/api/orders/" + orderId).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(order.body()).path("status").asString();
    }

    private static long queryOne(String sql, String parameter) throws SQLException {
        try (Connection look = DriverManager.getConnection(DB_URL, "orders", "orders");
                PreparedStatement statement = look.prepareStatement(sql)) {
            statement.setString(1, parameter);
            try (var rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private String placedOrderId() throws Exception {
        HttpResponse<String> placed = placeOrderAsync("cw-" + run, null).get(20, TimeUnit.SECONDS);
        assertThat(placed.statusCode()).as(placed.body()).isEqualTo(201);
        return JSON.readTree(placed.body()).path("id").asString();
    }

    private CompletableFuture<HttpResponse<String>> placeOrderAsync(String customer, String idempotencyKey) {
        return http.sendAsync(placeOrder(customer, idempotencyKey), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest placeOrder(String customer, String idempotencyKey) {
        HttpRequest.Builder request = storefront("/api/orders")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"customerId\":\"%s\",\"items\":[{\"sku\":\"%s\",\"quantity\":1},{\"sku\":\"%s\",\"quantity\":1}]}"
                                .formatted(customer, skuA, skuB)));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return request.build();
    }

    private HttpRequest putProduct(String sku, int stock) {
        return storefront("/api/products/" + sku)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(
                        "{\"name\":\"n\",\"priceCents\":100,\"stock\":%d}".formatted(stock)))
                .build();
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

    private HttpRequest.Builder storefront(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + TOKEN);
    }
}
