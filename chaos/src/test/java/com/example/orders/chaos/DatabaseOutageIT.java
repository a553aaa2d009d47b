package com.example.orders.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.example.orders.testsupport.Api;
import com.example.orders.testsupport.PaymentSigner;
import com.example.orders.testsupport.ServiceProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The database goes away under load (a private MariaDB, killed with SIGKILL while orders wait): every
 * request that needs it is answered {@code 503} with {@code Retry-After} and a problem, at once rather
 * than after the pool's 30 s; health says DOWN; nothing is written; once the database is back the
 * same processes serve again, every order ends right and stock is exact.
 */
class DatabaseOutageIT {

    /** Far below Hikari's default 30 s wait, far above the configured 1 s: a bound, not a speed test. */
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(10);

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static PrivateMariaDb db;

    @BeforeAll
    static void privateDatabase() {
        Assumptions.assumeTrue(PrivateMariaDb.available(), "mariadbd is not installed here");
        db = PrivateMariaDb.create("mariadb-outage").use();
    }

    @AfterAll
    static void stopDatabase() {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void whileTheDatabaseIsDownRequestsGetA503WithRetryAfterAndTheServiceRecoversByItself() throws Exception {
        try (Stack stack = Stack.start("database-outage", 1, 1)) {
            Ledger ledger = new Ledger();
            Api api = stack.api();
            Workload workload = new Workload(api, ledger, 240, Duration.ofSeconds(30), 10);
            workload.createProducts();
            CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
                try {
                    workload.run();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            await().atMost(Duration.ofSeconds(60)).until(() -> ledger.orders.size() >= 60);
            String known = ledger.orders.keySet().iterator().next();
            ServiceProcess orderService = stack.orderServices.get(0);

            db.kill();
            List<HttpResponse<String>> answers = new ArrayList<>();
            Duration slowest = Duration.ZERO;
            for (HttpRequest request : requestsThatNeedTheDatabase(orderService.url(), known)) {
                long started = System.nanoTime();
                answers.add(HTTP.send(request, HttpResponse.BodyHandlers.ofString()));
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                assertThat(took)
                        .as("answer to %s %s", request.method(), request.uri())
                        .isLessThan(ANSWER_WITHIN);
                slowest = took.compareTo(slowest) > 0 ? took : slowest;
            }
            System.out.printf(
                    "database down: %d requests answered, the slowest in %d ms%n", answers.size(), slowest.toMillis());
            HttpResponse<String> health = HTTP.send(
                    HttpRequest.newBuilder(URI.create(orderService.url() + "/actuator/health"))
                            .timeout(ANSWER_WITHIN)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            db.start();

            assertThat(answers).allSatisfy(DatabaseOutageIT::isDatabaseUnavailable);
            assertThat(health.statusCode())
                    .as("health while the database is down")
                    .isEqualTo(503);
            assertThat(health.body()).contains("\"DOWN\"");

            orderService.awaitUp(Duration.ofSeconds(60));
            assertThat(orderService.alive())
                    .as("order-service recovered without a restart")
                    .isTrue();
            load.get(5, TimeUnit.MINUTES);
            ChaosRun.awaitRest(0);
            assertThat(new InvariantChecker(ledger, api).check(Set.of()))
                    .as("invariant violations")
                    .isEmpty();
            assertThat(Settings.db().count("SELECT COUNT(*) FROM orders WHERE customer_id = 'outage-probe'"))
                    .as("orders written by requests answered 503")
                    .isZero();
            assertThat(Settings.db().count("SELECT COUNT(*) FROM product WHERE sku = 'outage-probe'"))
                    .as("products written by requests answered 503")
                    .isZero();
            assertThat(stack.workers.get(0).alive())
                    .as("expiry-worker still running")
                    .isTrue();
        }
    }

    private static void isDatabaseUnavailable(HttpResponse<String> answer) {
        String what = answer.request().method() + " " + answer.request().uri().getPath();
        assertThat(answer.statusCode()).as(what).isEqualTo(503);
        assertThat(answer.headers().firstValue("Retry-After"))
                .as(what)
                .hasValueSatisfying(
                        seconds -> assertThat(Integer.parseInt(seconds)).isPositive());
        assertThat(answer.headers().firstValue("Content-Type"))
                .as(what)
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        var problem = Api.JSON.readTree(answer.body());
        assertThat(problem.path("type").asString()).as(what).endsWith("/database-unavailable");
        assertThat(problem.path("title").asString()).as(what).isEqualTo("Database unavailable");
        assertThat(problem.path("status").asInt()).as(what).isEqualTo(503);
    }

    /** One request of each kind a storefront or a payment provider makes. */
    private static List<HttpRequest> requestsThatNeedTheDatabase(String base, String orderId) {
        String order = "{\"customerId\":\"outage-probe\",\"items\":[{\"sku\":\"cold-a\",\"quantity\":1}]}";
        String product = "{\"name\":\"Probe\",\"priceCents\":100,\"stock\":5}";
        String payment = "{\"paymentId\":\"outage-probe\"}";
        return List.of(
                storefront(base, "/api/orders")
                        .header("Content-Type", "application/json")
                        .header("Idempotency-Key", "outage-probe")
                        .POST(HttpRequest.BodyPublishers.ofString(order, StandardCharsets.UTF_8))
                        .build(),
                storefront(base, "/api/orders/" + orderId).GET().build(),
                storefront(base, "/api/products/cold-a").GET().build(),
                storefront(base, "/api/products/outage-probe")
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString(product, StandardCharsets.UTF_8))
                        .build(),
                HttpRequest.newBuilder(URI.create(base + "/api/orders/" + orderId + "/payment"))
                        .timeout(ANSWER_WITHIN.multipliedBy(2))
                        .header("Content-Type", "application/json")
                        .header("Payment-Signature", PaymentSigner.fresh(Settings.PAYMENT_SECRET, payment))
                        .POST(HttpRequest.BodyPublishers.ofString(payment, StandardCharsets.UTF_8))
                        .build());
    }

    private static HttpRequest.Builder storefront(String base, String path) {
        return HttpRequest.newBuilder(URI.create(base + path))
                .timeout(ANSWER_WITHIN.multipliedBy(2))
                .header("Authorization", "Bearer " + Settings.STOREFRONT_TOKEN);
    }
}
