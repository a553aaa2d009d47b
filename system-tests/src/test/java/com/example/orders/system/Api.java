package com.example.orders.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A storefront and a payment provider talking to order-service over HTTP, as the contract says. */
final class Api {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newHttpClient();
    private final String baseUrl;
    private final String workerUrl;

    Api(SystemUnderTest system) {
        this(system.orderServiceUrl, system.workerUrl);
    }

    private Api(String baseUrl, String workerUrl) {
        this.baseUrl = baseUrl;
        this.workerUrl = workerUrl;
    }

    /** The same calls, sent to another order-service instance of the same deployment. */
    Api on(String orderServiceUrl) {
        return new Api(orderServiceUrl, workerUrl);
    }

    record Response(int status, String contentType, JsonNode body, HttpResponse<String> raw) {

        String text(String field) {
            return body.path(field).asString();
        }

        Instant instant(String field) {
            return Instant.parse(text(field));
        }
    }

    /** A product with a fresh sku, so every test owns its stock. */
    String newProduct(String prefix, int stock, long priceCents) {
        String sku = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        Response put = putProduct(sku, Map.of("name", "Product " + sku, "priceCents", priceCents, "stock", stock));
        if (put.status() != 201) {
            throw new IllegalStateException(
                    "PUT product answered " + put.status() + ": " + put.raw().body());
        }
        return sku;
    }

    Response putProduct(String sku, Object body) {
        return send("PUT", "/api/products/" + sku, body, Map.of());
    }

    Response product(String sku) {
        return send("GET", "/api/products/" + sku, null, Map.of());
    }

    int stock(String sku) {
        return product(sku).body().path("stock").asInt();
    }

    /** Places an order of the given sku to quantity pairs. */
    Response order(Map<String, Integer> lines) {
        return placeOrder(orderBody("customer-" + UUID.randomUUID(), lines), Map.of());
    }

    Response placeOrder(Object body, Map<String, String> headers) {
        return send("POST", "/api/orders", body, headers);
    }

    Response getOrder(String id) {
        return send("GET", "/api/orders/" + id, null, Map.of());
    }

    String status(String orderId) {
        return getOrder(orderId).text("status");
    }

    /** The customer cancels the order (a storefront call). */
    Response cancel(String orderId) {
        return send("POST", "/api/orders/" + orderId + "/cancel", null, Map.of());
    }

    /** A payment provider's call, signed as the contract says. */
    Response pay(String orderId, String paymentId) {
        String body = JSON.writeValueAsString(Map.of("paymentId", paymentId));
        return payRaw(orderId, body, sign(SystemUnderTest.PAYMENT_SECRET, freshTimestamp(body), body));
    }

    private static final Map<String, Set<Long>> SIGNED = new HashMap<>();

    /**
     * Each call here is a new delivery, signed afresh: two calls with the same body in the same second
     * would sign alike, and the service lets the identical signature through only as a retry of the
     * same request to the same order. So each call takes a timestamp not yet used for its body, within
     * the accepted window (now, or a few seconds back).
     */
    private static synchronized long freshTimestamp(String body) {
        Set<Long> used = SIGNED.computeIfAbsent(body, b -> new HashSet<>());
        long timestamp = Instant.now().getEpochSecond();
        while (!used.add(timestamp)) {
            timestamp--;
        }
        return timestamp;
    }

    Response payRaw(String orderId, String body, String signature) {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create(baseUrl + "/api/orders/" + orderId + "/payment"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (signature != null) {
            request.header("Payment-Signature", signature);
        }
        return exchange(request.build());
    }

    /** {@code t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">}. */
    static String sign(String secret, long timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] digest = mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
            return "t=" + timestamp + ",v1=" + HexFormat.of().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    Response withToken(String method, String path, String token) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(baseUrl + path)).method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return exchange(request.build());
    }

    String getText(String path) {
        return exchangeText(HttpRequest.newBuilder(URI.create(baseUrl + path)).build());
    }

    Response sendRaw(String method, String path, String body, String contentType) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Authorization", "Bearer " + SystemUnderTest.STOREFRONT_TOKEN)
                .method(method, HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return exchange(request.build());
    }

    /** A counter of the worker's Prometheus endpoint, summed over its tags; 0 if not yet registered. */
    double workerMetric(String name) {
        return metric(workerUrl, name);
    }

    double orderServiceMetric(String name) {
        return metric(baseUrl, name);
    }

    private double metric(String url, String name) {
        String text = exchangeText(
                HttpRequest.newBuilder(URI.create(url + "/actuator/prometheus")).build());
        return text.lines()
                .filter(line -> line.startsWith(name + " ") || line.startsWith(name + (name.endsWith("}") ? "" : "{")))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    JsonNode orderServiceInfo() {
        return JSON.readTree(exchangeText(
                HttpRequest.newBuilder(URI.create(baseUrl + "/actuator/info")).build()));
    }

    static Map<String, Object> orderBody(String customerId, Map<String, Integer> lines) {
        List<Map<String, Object>> items = lines.entrySet().stream()
                .map(e -> Map.<String, Object>of("sku", e.getKey(), "quantity", e.getValue()))
                .toList();
        var body = new LinkedHashMap<String, Object>();
        body.put("customerId", customerId);
        body.put("items", items);
        return body;
    }

    private Response send(String method, String path, Object body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Authorization", "Bearer " + SystemUnderTest.STOREFRONT_TOKEN)
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        return exchange(request.build());
    }

    private Response exchange(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode body = response.body().isBlank() ? JSON.nullNode() : JSON.readTree(response.body());
            return new Response(
                    response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(""),
                    body,
                    response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String exchangeText(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
