package com.example.orders.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** order-service's HTTP API as a storefront and a payment provider call it (credentials always sent). */
final class Api {

    static final String TOKEN = "bench-storefront-token";
    static final String SECRET = "bench-payment-secret";

    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");

    private final HttpClient http;
    private final String base;

    Api(String base) {
        this.base = base;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    record Response(int status, String body) {
        String id() {
            Matcher m = ID.matcher(body);
            return m.find() ? m.group(1) : null;
        }
    }

    void putProduct(String sku, int stock) throws Exception {
        Response r = send(storefront("/api/products/" + sku)
                .PUT(body("{\"name\":\"%s\",\"priceCents\":100,\"stock\":%d}".formatted(sku, stock)))
                .build());
        if (r.status() / 100 != 2) {
            throw new IllegalStateException("PUT product " + sku + ": " + r.status() + " " + r.body());
        }
    }

    /** An order with its own payment window ({@code paymentTimeout}, ISO-8601). */
    HttpRequest orderRequest(String customerId, String sku, java.time.Duration paymentTimeout) {
        return storefront("/api/orders")
                .POST(body(
                        "{\"customerId\":\"%s\",\"items\":[{\"sku\":\"%s\",\"quantity\":1}],\"paymentTimeout\":\"%s\"}"
                                .formatted(customerId, sku, paymentTimeout)))
                .build();
    }

    HttpRequest orderRequest(String customerId, List<String> skus) {
        StringBuilder items = new StringBuilder();
        for (String sku : skus) {
            items.append(items.isEmpty() ? "" : ",")
                    .append("{\"sku\":\"")
                    .append(sku)
                    .append("\",\"quantity\":1}");
        }
        return storefront("/api/orders")
                .POST(body("{\"customerId\":\"%s\",\"items\":[%s]}".formatted(customerId, items)))
                .build();
    }

    Response send(HttpRequest request) throws Exception {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), response.body());
    }

    CompletableFuture<Response> sendAsync(HttpRequest request) {
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(r -> new Response(r.statusCode(), r.body()));
    }

    HttpRequest paymentRequest(String orderId, String paymentId) {
        String body = "{\"paymentId\":\"" + paymentId + "\"}";
        long t = System.currentTimeMillis() / 1000;
        return HttpRequest.newBuilder(URI.create(base + "/api/orders/" + orderId + "/payment"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Payment-Signature", "t=" + t + ",v1=" + hmac(t + "." + body))
                .POST(body(body))
                .build();
    }

    /** The sum of every sample of a Prometheus metric (all label sets), 0 when absent. */
    static double metric(String scrape, String name) {
        double sum = 0;
        for (String line : scrape.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    String scrape(String baseUrl) {
        try {
            return http.send(
                            HttpRequest.newBuilder(URI.create(baseUrl + "/actuator/prometheus"))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (Exception e) {
            return "";
        }
    }

    private HttpRequest.Builder storefront(String path) {
        return HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + TOKEN);
    }

    private static HttpRequest.BodyPublisher body(String json) {
        return HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8);
    }

    private static String hmac(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
