package com.example.orders.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A storefront (bearer token) and a payment provider (signed requests, {@link PaymentSigner}) talking
 * to order-service over HTTP as the contract says. Each call goes to one of the running instances;
 * {@link #retrying} is what a careful client does while instances crash.
 */
public final class Api {

    public static final JsonMapper JSON = JsonMapper.builder().build();

    private static final Duration GIVE_UP = Duration.ofSeconds(90);

    /** What a storefront and a payment provider hold. */
    public record Credentials(String storefrontToken, String paymentSecret) {}

    private final HttpClient http;
    private final Supplier<List<String>> instances;
    private final String workerUrl;
    private final Credentials credentials;
    private final Duration timeout;

    /**
     * {@code instances}: the base URLs of the order-service instances up now; {@code workerUrl}: an
     * expiry-worker's, for its metrics (may be null); {@code timeout}: per request (null: none).
     */
    public Api(Supplier<List<String>> instances, String workerUrl, Credentials credentials, Duration timeout) {
        this(client(), instances, workerUrl, credentials, timeout);
    }

    private Api(
            HttpClient http,
            Supplier<List<String>> instances,
            String workerUrl,
            Credentials credentials,
            Duration timeout) {
        this.http = http;
        this.instances = instances;
        this.workerUrl = workerUrl;
        this.credentials = credentials;
        this.timeout = timeout;
    }

    private static HttpClient client() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** The same calls, sent to another order-service instance of the same deployment. */
    public Api on(String orderServiceUrl) {
        return new Api(http, () -> List.of(orderServiceUrl), workerUrl, credentials, timeout);
    }

    /** An answer; its body is parsed as JSON when first asked for (null node if empty or not JSON). */
    public static final class Response {

        private final int status;
        private final HttpHeaders headers;
        private final String raw;
        private JsonNode body;

        Response(int status, HttpHeaders headers, String raw) {
            this.status = status;
            this.headers = headers;
            this.raw = raw;
        }

        public int status() {
            return status;
        }

        public String contentType() {
            return headers.firstValue("Content-Type").orElse("");
        }

        public Optional<String> header(String name) {
            return headers.firstValue(name);
        }

        /** The body as sent. */
        public String raw() {
            return raw;
        }

        public synchronized JsonNode body() {
            if (body == null) {
                body = parse(raw);
            }
            return body;
        }

        public String text(String field) {
            return body().path(field).asString();
        }

        public Instant instant(String field) {
            return Instant.parse(text(field));
        }

        /** The {@code id} of the order (or null when the answer has none). */
        public String id() {
            String id = text("id");
            return id.isEmpty() ? null : id;
        }

        /** A problem+json answer with a stable {@code type}. */
        public boolean isProblem() {
            return contentType().startsWith("application/problem+json")
                    && body().path("type").asString().startsWith("https://");
        }

        @Override
        public String toString() {
            return status + " " + raw;
        }

        private static JsonNode parse(String raw) {
            if (raw == null || raw.isBlank()) {
                return JSON.nullNode();
            }
            try {
                return JSON.readTree(raw);
            } catch (RuntimeException notJson) {
                return JSON.nullNode();
            }
        }
    }

    /** Thrown by {@link #retrying} when no instance gave a non-5xx answer in time. */
    public static final class Unanswered extends RuntimeException {
        Unanswered(String what, Throwable last) {
            super(what + " got no answer in " + GIVE_UP.toSeconds() + " s", last);
        }
    }

    // --- the storefront -------------------------------------------------------------------------

    /** A product with a fresh sku, so every test owns its stock. */
    public String newProduct(String prefix, int stock, long priceCents) {
        String sku = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        Response put = putProduct(sku, Map.of("name", "Product " + sku, "priceCents", priceCents, "stock", stock));
        if (put.status() != 201) {
            throw new IllegalStateException("PUT product answered " + put.status() + ": " + put.raw());
        }
        return sku;
    }

    /** PUT of a product that must succeed (200 or 201). */
    public void ensureProduct(String sku, String name, long priceCents, long stock) {
        Response put = putProduct(sku, Map.of("name", name, "priceCents", priceCents, "stock", stock));
        if (put.status() / 100 != 2) {
            throw new IllegalStateException("PUT product " + sku + " answered " + put.status() + ": " + put.raw());
        }
    }

    /** PUT of a product named after its sku, that must succeed. */
    public void ensureProduct(String sku, long priceCents, long stock) {
        ensureProduct(sku, sku, priceCents, stock);
    }

    public Response putProduct(String sku, Object body) {
        return sendJson("PUT", "/api/products/" + sku, body, Map.of());
    }

    public Response product(String sku) {
        return get("/api/products/" + sku);
    }

    public int stock(String sku) {
        return product(sku).body().path("stock").asInt();
    }

    /** Places an order of the given sku to quantity pairs. */
    public Response order(Map<String, Integer> lines) {
        return placeOrder(orderBody("customer-" + UUID.randomUUID(), lines), Map.of());
    }

    public Response placeOrder(Object body, Map<String, String> headers) {
        return sendJson("POST", "/api/orders", body, headers);
    }

    public Response placeOrder(String body, String idempotencyKey) {
        return send("POST", "/api/orders", body, "application/json", Map.of("Idempotency-Key", idempotencyKey));
    }

    public Response getOrder(String id) {
        return get("/api/orders/" + id);
    }

    public String status(String orderId) {
        return getOrder(orderId).text("status");
    }

    /** The customer cancels the order (a storefront call). */
    public Response cancel(String orderId) {
        return send("POST", "/api/orders/" + orderId + "/cancel", null, null, Map.of());
    }

    public Response get(String path) {
        return send("GET", path, null, null, Map.of());
    }

    public static Map<String, Object> orderBody(String customerId, Map<String, Integer> lines) {
        List<Map<String, Object>> items = lines.entrySet().stream()
                .map(e -> Map.<String, Object>of("sku", e.getKey(), "quantity", e.getValue()))
                .toList();
        var body = new LinkedHashMap<String, Object>();
        body.put("customerId", customerId);
        body.put("items", items);
        return body;
    }

    /** A storefront request with the token; {@code body} is sent as given, with {@code contentType} if not null. */
    public Response send(String method, String path, String body, String contentType, Map<String, String> headers) {
        HttpRequest.Builder request = storefront(path)
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        headers.forEach(request::header);
        return exchange(request.build());
    }

    public Response sendRaw(String method, String path, String body, String contentType) {
        return send(method, path, body, contentType, Map.of());
    }

    private Response sendJson(String method, String path, Object body, Map<String, String> headers) {
        return send(method, path, body == null ? null : JSON.writeValueAsString(body), "application/json", headers);
    }

    /** A request with the given token ({@code null}: none), no body. */
    public Response withToken(String method, String path, String token) {
        HttpRequest.Builder request = builder(path).method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return exchange(request.build());
    }

    /** A GET without credentials, its body as text. */
    public String getText(String path) {
        return exchange(builder(path).build()).raw();
    }

    public JsonNode orderServiceInfo() {
        return JSON.readTree(getText("/actuator/info"));
    }

    /** A request to a running instance with the storefront's token, for callers that send many. */
    public HttpRequest.Builder storefront(String path) {
        return builder(path).header("Authorization", "Bearer " + credentials.storefrontToken());
    }

    /** One order of one piece of each sku. */
    public HttpRequest orderRequest(String customerId, List<String> skus) {
        String items = skus.stream()
                .map(sku -> "{\"sku\":\"" + sku + "\",\"quantity\":1}")
                .reduce((a, b) -> a + "," + b)
                .orElse("");
        return jsonRequest("/api/orders", "{\"customerId\":\"%s\",\"items\":[%s]}".formatted(customerId, items));
    }

    /** One piece of a sku, with the order's own payment window ({@code paymentTimeout}, ISO-8601). */
    public HttpRequest orderRequest(String customerId, String sku, Duration paymentTimeout) {
        return jsonRequest(
                "/api/orders",
                "{\"customerId\":\"%s\",\"items\":[{\"sku\":\"%s\",\"quantity\":1}],\"paymentTimeout\":\"%s\"}"
                        .formatted(customerId, sku, paymentTimeout));
    }

    private HttpRequest jsonRequest(String path, String json) {
        return storefront(path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8))
                .build();
    }

    // --- the payment provider -------------------------------------------------------------------

    /** A payment, signed afresh with the provider's secret. */
    public Response pay(String orderId, String paymentId) {
        return exchange(paymentRequest(orderId, paymentId));
    }

    public HttpRequest paymentRequest(String orderId, String paymentId) {
        String body = JSON.writeValueAsString(Map.of("paymentId", paymentId));
        return paymentRequest(orderId, body, "application/json", signature(body));
    }

    /** A payment with this body, signed afresh, sent with this content type. */
    public Response sendPayment(String orderId, String body, String contentType) {
        return exchange(paymentRequest(orderId, body, contentType, signature(body)));
    }

    /** A payment with the given signature header ({@code null}: none). */
    public Response payRaw(String orderId, String body, String signature) {
        return exchange(paymentRequest(orderId, body, "application/json", signature));
    }

    private HttpRequest paymentRequest(String orderId, String body, String contentType, String signature) {
        HttpRequest.Builder request = builder("/api/orders/" + orderId + "/payment")
                .POST(HttpRequest.BodyPublishers.ofString(body == null ? "" : body, StandardCharsets.UTF_8));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (signature != null) {
            request.header("Payment-Signature", signature);
        }
        return request.build();
    }

    /** The provider's signature of a new delivery of {@code body}. */
    public String signature(String body) {
        return PaymentSigner.fresh(credentials.paymentSecret(), body == null ? "" : body);
    }

    // --- metrics --------------------------------------------------------------------------------

    /** A metric of the worker's Prometheus endpoint ({@link Metrics#sum}); 0 if not yet registered. */
    public double workerMetric(String series) {
        return Metrics.sum(Metrics.scrape(http, workerUrl), series);
    }

    public double orderServiceMetric(String series) {
        return Metrics.sum(scrape(instance()), series);
    }

    /** The Prometheus text of a service at {@code baseUrl}. */
    public String scrape(String baseUrl) {
        return Metrics.scrape(http, baseUrl);
    }

    // --- sending --------------------------------------------------------------------------------

    /** Sends; throws UncheckedIOException when the connection fails. */
    public Response exchange(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public CompletableFuture<Response> sendAsync(HttpRequest request) {
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(r -> new Response(r.statusCode(), r.headers(), r.body()));
    }

    /**
     * Repeats an idempotent request until an instance answers with something other than a 5xx or a
     * broken connection; {@code onServerError} counts the 5xx answers seen on the way.
     */
    public static Response retrying(String what, Supplier<Response> call, Runnable onServerError) {
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

    private HttpRequest.Builder builder(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(instance() + path));
        if (timeout != null) {
            request.timeout(timeout);
        }
        return request;
    }

    private String instance() {
        List<String> up = instances.get();
        if (up.isEmpty()) {
            throw new UncheckedIOException(new IOException("no order-service instance is running"));
        }
        return up.size() == 1 ? up.get(0) : up.get(ThreadLocalRandom.current().nextInt(up.size()));
    }
}
