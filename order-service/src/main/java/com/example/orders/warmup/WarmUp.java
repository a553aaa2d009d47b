package com.example.orders.warmup;

import com.example.orders.OrdersProperties;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * A cold JVM runs its first thousands of requests in the interpreter and compiles them while it
 * serves: started at full load (right after a deploy), order-service answered in seconds for its
 * first minute and the machine it shared with the worker and the database was saturated by the
 * compiler (docs/performance.md, "Warm start"). So before it reports UP, the service sends itself
 * requests over its own port that change nothing: a product and an order that do not exist, an order
 * for an unknown sku (refused with 404, its transaction rolled back). They run most of the code of
 * every request, from Tomcat through the security filters, validation, Jackson and a transaction to
 * JDBC. (Not a payment: its first use of a signature is remembered in the database, a write.) Health stays DOWN until they are done;
 * {@code orders.warm-up.requests} sets how many (0: none).
 */
@Component
class WarmUp implements ApplicationRunner, HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(WarmUp.class);
    private static final int CLIENTS = 2;

    private final int requests;
    private final String token;
    private final Environment environment;
    private volatile boolean done;

    WarmUp(OrdersProperties properties, Environment environment) {
        this.requests = properties.warmUp().requests();
        this.token = properties.storefrontTokens().get(0);
        this.environment = environment;
        this.done = requests <= 0;
    }

    @Override
    public void run(ApplicationArguments args) throws Exception {
        if (done) {
            return;
        }
        long started = System.nanoTime();
        URI base = URI.create("http://127.0.0.1:" + environment.getProperty("local.server.port", "8080"));
        HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<HttpRequest> kinds = kinds(base);
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        int answered = 0;
        try {
            List<Future<Integer>> sent = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                sent.add(clients.submit(() -> send(http, kinds, client)));
            }
            for (Future<Integer> each : sent) {
                answered += each.get();
            }
        } finally {
            clients.shutdownNow();
            done = true;
        }
        log.info(
                "Warmed up with {} requests to itself in {} ms; ready",
                answered,
                (System.nanoTime() - started) / 1_000_000);
    }

    private int send(HttpClient http, List<HttpRequest> kinds, int client) throws InterruptedException {
        int answered = 0;
        for (int i = client; i < requests; i += CLIENTS) {
            try {
                http.send(kinds.get(i % kinds.size()), HttpResponse.BodyHandlers.discarding());
                answered++;
            } catch (IOException e) {
                log.warn("Warm-up stopped: {}", e.toString());
                return answered;
            }
        }
        return answered;
    }

    private List<HttpRequest> kinds(URI base) {
        String unknown = "warm-up-" + UUID.randomUUID();
        String bearer = "Bearer " + token;
        String order = """
                {"customerId":"warm-up","items":[{"sku":"%s","quantity":1}]}""".formatted(unknown);
        return List.of(
                HttpRequest.newBuilder(base.resolve("/api/products/" + unknown))
                        .header("Authorization", bearer)
                        .build(),
                HttpRequest.newBuilder(base.resolve("/api/orders"))
                        .header("Authorization", bearer)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(order))
                        .build(),
                HttpRequest.newBuilder(base.resolve("/api/orders/" + UUID.randomUUID()))
                        .header("Authorization", bearer)
                        .build());
    }

    @Override
    public Health health() {
        return done
                ? Health.up().build()
                : Health.down().withDetail("warmingUp", requests + " requests").build();
    }
}
