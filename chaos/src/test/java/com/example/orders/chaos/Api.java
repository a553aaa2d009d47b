package com.example.orders.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A storefront and a payment provider talking to order-service as the contract says, with their
 * credentials. {@link #retrying} is what a careful client does while instances crash: the same
 * request (same Idempotency-Key, same paymentId) again, on any instance that is up.
 */
final class Api {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private static final Duration GIVE_UP = Duration.ofSeconds(90);

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Supplier<List<String>> instances;

    Api(Supplier<List<String>> instances) {
        this.instances = instances;
    }

    record Response(int status, String contentType, JsonNode body, String raw) {

        String text(String field) {
            return body.path(field).asString();
        }

        boolean isProblem() {
            return contentType.startsWith("application/problem+json")
                    && body.path("type").asString().startsWith("https://");
        }
    }

    /** Thrown by {@link #retrying} when no instance gave a non-5xx answer in time. */
    static final class Unanswered extends RuntimeException {
        Unanswered(String what, Throwable last) {
            super(what + " got no answer in " + GIVE_UP.toSeconds() + " s", last);
        }
    }

    Response putProduct(String sku, Object body) {
        return send("PUT", "/api/products/" + sku, JSON.writeValueAsString(body), "application/json", Map.of());
    }

    Response placeOrder(String body, String idempotencyKey) {
        return send("POST", "/api/orders", body, "application/json", Map.of("Idempotency-Key", idempotencyKey));
    }

    Response pay(String orderId, String paymentId) {
        return sendPayment(orderId, JSON.writeValueAsString(Map.of("paymentId", paymentId)), "application/json");
    }

    Response sendPayment(String orderId, String body, String contentType) {
        return send(
                "POST",
                "/api/orders/" + orderId + "/payment",
                body,
                contentType,
                Map.of("Payment-Signature", signature(body)));
    }

    Response cancel(String orderId) {
        return send("POST", "/api/orders/" + orderId + "/cancel", null, null, Map.of());
    }

    Response get(String path) {
        return send("GET", path, null, null, Map.of());
    }

    /** One attempt on one running instance; throws UncheckedIOException when the connection fails. */
    Response send(String method, String path, String body, String contentType, Map<String, String> headers) {
        List<String> up = instances.get();
        if (up.isEmpty()) {
            throw new UncheckedIOException(new IOException("no order-service instance is running"));
        }
        String base = up.get(ThreadLocalRandom.current().nextInt(up.size()));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + Settings.STOREFRONT_TOKEN)
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        headers.forEach(request::header);
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(
                    response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(""),
                    parse(response.body()),
                    response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Repeats an idempotent request until an instance answers with something other than a 5xx or a
     * broken connection; {@code onRetry} counts the 5xx answers seen on the way.
     */
    static Response retrying(String what, Supplier<Response> call, Runnable onServerError) {
        Instant giveUp = Instant.now().plus(GIVE_UP);
        RuntimeException last = null;
        long pause = 100;
        while (Instant.now().isBefore(giveUp)) {
            try {
                Response response = call.get();
                if (response.status() < 500) {
                    return response;
                }
                onServerError.run();
                last = new IllegalStateException(response.status() + " " + response.raw());
            } catch (UncheckedIOException e) {
                last = e;
            }
            try {
                Thread.sleep(pause); // a client's back-off between attempts, not a test waiting for a result
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            pause = Math.min(pause * 2, 2_000);
        }
        throw new Unanswered(what, last);
    }

    private static final Map<String, Set<Long>> SIGNED = new HashMap<>();

    /**
     * The payment provider's signature: {@code t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">}.
     * order-service lets a signature it has already accepted through again only as a retry of the
     * same request to the same order; the workload signs every call as a new delivery, so a repeat of
     * the same body in the same second takes a timestamp of its own (a second earlier, well inside the
     * 300 s window).
     */
    static String signature(String body) {
        long t = freshTimestamp(body == null ? "" : body);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Settings.PAYMENT_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] digest = mac.doFinal((t + "." + (body == null ? "" : body)).getBytes(StandardCharsets.UTF_8));
            return "t=" + t + ",v1=" + HexFormat.of().formatHex(digest);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static synchronized long freshTimestamp(String body) {
        Set<Long> used = SIGNED.computeIfAbsent(body, b -> new HashSet<>());
        long timestamp = Instant.now().getEpochSecond();
        while (!used.add(timestamp)) {
            timestamp--;
        }
        return timestamp;
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return JSON.nullNode();
        }
        try {
            return JSON.readTree(body);
        } catch (RuntimeException notJson) {
            return JSON.nullNode();
        }
    }
}
