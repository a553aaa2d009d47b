package com.example.orders.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.example.orders.security.SliceSecurity;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What {@code docker compose up --build} runs, run by the test: the repository's own
 * docker-compose.yml (MySQL 8.4, RabbitMQ 4.2 built with the delayed-message plugin, both services
 * built from docker/service/Dockerfile, with the compose stack's users, vhost and development
 * credentials), a 3 s payment timeout, host ports moved to free ones. Needs a Docker engine with
 * the compose plugin: skipped, and reported as skipped, where there is none.
 */
@Testcontainers(disabledWithoutDocker = true)
@EnabledIf(value = "composeAvailable", disabledReason = "needs the docker compose plugin")
class DelayedExchangeContainerIT {

    private static final String TOKEN = "dev-storefront-token";
    private static final String SECRET = "dev-payment-secret";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Container
    static final ComposeContainer STACK = new ComposeContainer(new File("../docker-compose.yml"))
            .withBuild(true)
            .withRemoveVolumes(true)
            .withEnv(freeHostPorts())
            .withEnv("ORDERS_PAYMENT_TIMEOUT", "PT3S")
            .withServices("mysql", "rabbitmq", "order-service", "expiry-worker")
            .withExposedService(
                    "order-service",
                    8080,
                    Wait.forHttp("/actuator/health").forStatusCode(200).withStartupTimeout(Duration.ofMinutes(15)))
            .withExposedService(
                    "expiry-worker",
                    8081,
                    Wait.forHttp("/actuator/health").forStatusCode(200).withStartupTimeout(Duration.ofMinutes(15)));

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void composeStackPlacesPaysCancelsAndExpiresOrdersThroughThePlugin() throws Exception {
        // auto found the plugin in the compose broker
        assertThat(get("/actuator/info").path("delayTransport").path("active").asString())
                .isEqualTo("delayed-exchange");
        String sku = "compose-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(send("PUT", "/api/products/" + sku, "{\"name\":\"Mug\",\"priceCents\":1250,\"stock\":10}", Map.of())
                        .statusCode())
                .isEqualTo(201);
        String line = "{\"customerId\":\"c-1\",\"items\":[{\"sku\":\"" + sku + "\",\"quantity\":2}]}";
        String unpaid = id(send("POST", "/api/orders", line, Map.of()));
        String paid = id(send("POST", "/api/orders", line, Map.of()));
        String cancelled = id(send("POST", "/api/orders", line, Map.of()));

        String payment = "{\"paymentId\":\"pay-compose\"}";
        long t = Instant.now().getEpochSecond();
        assertThat(send(
                                "POST",
                                "/api/orders/" + paid + "/payment",
                                payment,
                                Map.of(
                                        "Payment-Signature",
                                        "t=" + t + ",v1="
                                                + SliceSecurity.hmac(
                                                        SECRET, t, payment.getBytes(StandardCharsets.UTF_8))))
                        .statusCode())
                .isEqualTo(200);
        assertThat(send("POST", "/api/orders/" + cancelled + "/cancel", null, Map.of())
                        .statusCode())
                .isEqualTo(200);

        await().atMost(Duration.ofSeconds(30))
                .until(() ->
                        get("/api/orders/" + unpaid).path("status").asString().equals("EXPIRED"));
        assertThat(get("/api/orders/" + paid).path("status").asString()).isEqualTo("PAID");
        assertThat(get("/api/orders/" + cancelled).path("status").asString()).isEqualTo("CANCELLED");
        assertThat(get("/api/products/" + sku).path("stock").asInt())
                .as("10 less the paid order's 2")
                .isEqualTo(8);
        // The plugin held the message until the deadline: the worker never had to send one back to wait.
        String workerMetrics = http.send(
                        HttpRequest.newBuilder(URI.create("http://" + STACK.getServiceHost("expiry-worker", 8081) + ":"
                                        + STACK.getServicePort("expiry-worker", 8081) + "/actuator/prometheus"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(metric(workerMetrics, "orders_expired_total{trigger=\"message\"}"))
                .isEqualTo(1.0);
        assertThat(metric(workerMetrics, "orders_expiry_republished_total{reason=\"early\"}"))
                .isZero();
    }

    private static double metric(String prometheusText, String series) {
        return prometheusText
                .lines()
                .filter(line -> line.startsWith(series + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    private JsonNode get(String path) throws Exception {
        return JSON.readTree(send("GET", path, null, Map.of()).body());
    }

    private static String id(HttpResponse<String> placed) {
        assertThat(placed.statusCode()).as(placed.body()).isEqualTo(201);
        return JSON.readTree(placed.body()).path("id").asString();
    }

    private HttpResponse<String> send(String method, String path, String body, Map<String, String> headers)
            throws Exception {
        String base = "http://" + STACK.getServiceHost("order-service", 8080) + ":"
                + STACK.getServicePort("order-service", 8080);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (!headers.containsKey("Payment-Signature")) {
            request.header("Authorization", "Bearer " + TOKEN);
        }
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static boolean composeAvailable() {
        try {
            Process version = new ProcessBuilder("docker", "compose", "version")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return version.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The compose file publishes fixed host ports (3306, 5672, 8080, ...): move each to a free one. */
    private static Map<String, String> freeHostPorts() {
        Map<String, String> ports = new HashMap<>();
        for (String variable : new String[] {
            "MYSQL_PORT",
            "RABBITMQ_PORT",
            "RABBITMQ_MANAGEMENT_PORT",
            "RABBITMQ_PROMETHEUS_PORT",
            "ORDER_SERVICE_PORT",
            "EXPIRY_WORKER_PORT"
        }) {
            try (var socket = new ServerSocket(0)) {
                ports.put(variable, String.valueOf(socket.getLocalPort()));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return ports;
    }
}
