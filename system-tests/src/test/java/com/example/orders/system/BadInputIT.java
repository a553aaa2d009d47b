package com.example.orders.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.example.orders.contracts.Headers;
import com.example.orders.testsupport.Api;
import com.example.orders.testsupport.Broker;
import com.example.orders.testsupport.PaymentSigner;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Garbage in: a clear 4xx problem or a dead-lettered message with its reason, and nothing written. */
class BadInputIT {

    private static String sku;

    private final Api api = SystemUnderTest.get().api();

    @BeforeEach
    void product() {
        if (sku == null) {
            sku = api.newProduct("bad", 50, 100);
        }
    }

    static Stream<Arguments> invalidOrders() {
        return Stream.of(
                Arguments.of("not JSON", "{\"customerId\":", 400, "body"),
                Arguments.of("empty body", "", 400, "body"),
                Arguments.of("no items", "{\"customerId\":\"c\",\"items\":[]}", 400, "items"),
                Arguments.of("items missing", "{\"customerId\":\"c\"}", 400, "items"),
                Arguments.of("no customer", "{\"items\":[{\"sku\":\"SKU\",\"quantity\":1}]}", 400, "customerId"),
                Arguments.of(
                        "zero quantity",
                        "{\"customerId\":\"c\",\"items\":[{\"sku\":\"SKU\",\"quantity\":0}]}",
                        400,
                        "items[0].quantity"),
                Arguments.of(
                        "negative quantity",
                        "{\"customerId\":\"c\",\"items\":[{\"sku\":\"SKU\",\"quantity\":-2}]}",
                        400,
                        "items[0].quantity"),
                Arguments.of(
                        "quantity beyond int",
                        "{\"customerId\":\"c\",\"items\":[{\"sku\":\"SKU\",\"quantity\":99999999999}]}",
                        400,
                        "items[0].quantity"),
                Arguments.of(
                        "quantity as text",
                        "{\"customerId\":\"c\",\"items\":[{\"sku\":\"SKU\",\"quantity\":\"two\"}]}",
                        400,
                        "items[0].quantity"),
                Arguments.of(
                        "sku twice",
                        "{\"customerId\":\"c\",\"items\":[{\"sku\":\"SKU\",\"quantity\":1},{\"sku\":\"SKU\",\"quantity\":1}]}",
                        400,
                        "items[1].sku"),
                Arguments.of(
                        "unknown sku",
                        "{\"customerId\":\"c\",\"items\":[{\"sku\":\"SKU\",\"quantity\":1},{\"sku\":\"no-such-sku\",\"quantity\":1}]}",
                        404,
                        null),
                Arguments.of(
                        "more than in stock",
                        "{\"customerId\":\"c\",\"items\":[{\"sku\":\"SKU\",\"quantity\":51}]}",
                        409,
                        null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidOrders")
    void invalidOrderIsRefusedWithAProblemNamingTheFieldAndReservesNothing(
            String what, String body, int status, String field) {
        long ordersBefore = SystemUnderTest.DATABASE.count("SELECT COUNT(*) FROM orders");

        Api.Response response = api.sendRaw("POST", "/api/orders", body.replace("SKU", sku), "application/json");

        assertThat(response.status()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.body().path("type").asString()).startsWith("https://");
        if (field != null) {
            assertThat(response.body().path("errors").findValuesAsString("field"))
                    .contains(field);
        }
        assertThat(api.stock(sku)).isEqualTo(50);
        assertThat(SystemUnderTest.DATABASE.count("SELECT COUNT(*) FROM orders"))
                .isEqualTo(ordersBefore);
    }

    @Test
    void orderSentAsPlainTextIsRefusedWithUnsupportedMediaType() {
        Api.Response response = api.sendRaw("POST", "/api/orders", "{}", "text/plain");
        assertThat(response.status()).isEqualTo(415);
        assertThat(response.contentType()).startsWith("application/problem+json");
    }

    static Stream<Arguments> invalidProducts() {
        return Stream.of(
                Arguments.of("negative stock", "{\"name\":\"n\",\"priceCents\":1,\"stock\":-1}", "stock"),
                Arguments.of("negative price", "{\"name\":\"n\",\"priceCents\":-1,\"stock\":1}", "priceCents"),
                Arguments.of("no name", "{\"priceCents\":1,\"stock\":1}", "name"),
                Arguments.of("stock as text", "{\"name\":\"n\",\"priceCents\":1,\"stock\":\"many\"}", "stock"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidProducts")
    void invalidProductIsRefusedAndNotCreated(String what, String body, String field) {
        String newSku = "never-" + UUID.randomUUID().toString().substring(0, 8);

        Api.Response response = api.sendRaw("PUT", "/api/products/" + newSku, body, "application/json");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body().path("errors").findValuesAsString("field")).contains(field);
        assertThat(api.product(newSku).status()).isEqualTo(404);
    }

    @Test
    void unknownOrderAndProductAnswerNotFound() {
        assertThat(api.getOrder(UUID.randomUUID().toString()).status()).isEqualTo(404);
        assertThat(api.product("no-such-sku").status()).isEqualTo(404);
    }

    @Test
    void paymentWithoutPaymentIdIsRefusedAndLeavesTheOrderPending() {
        String id = api.order(Map.of(sku, 1)).text("id");
        Api.Response response = api.payRaw(
                id,
                "{}",
                PaymentSigner.sign(SystemUnderTest.PAYMENT_SECRET, Instant.now().getEpochSecond(), "{}"));
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body().path("errors").findValuesAsString("field")).contains("paymentId");
        assertThat(api.status(id)).isEqualTo("PENDING");
    }

    @Test
    void unreadableExpiryMessagesGoToTheDeadLetterQueueWithTheirReasonAndTheWorkerCarriesOn() throws Exception {
        String unknownOrder = UUID.randomUUID().toString();
        try (var broker = SystemUnderTest.broker()) {
            broker.drainDeadLetters();
            broker.publishExpiry("this is not json", Map.of());
            broker.publishExpiry("{\"schemaVersion\":1,\"orderId\":", Map.of());
            broker.publishExpiry(Broker.orderCreated(unknownOrder, Instant.now()), Map.of());
            broker.publishExpiry(
                    Broker.orderCreated(unknownOrder, Instant.now())
                            .replace("\"schemaVersion\":1", "\"schemaVersion\":0"),
                    Map.of());
            broker.publishExpiry("{\"schemaVersion\":1,\"eventId\":\"" + UUID.randomUUID() + "\"}", Map.of());

            var dead = new java.util.ArrayList<Broker.Dead>();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                dead.addAll(broker.drainDeadLetters());
                return dead.size() >= 5;
            });
            assertThat(dead)
                    .extracting(d -> d.header(Headers.DEAD_LETTER_REASON))
                    .containsExactlyInAnyOrder(
                            "malformed", "malformed", "unknown-order", "unsupported-schema-version", "malformed");
            assertThat(dead)
                    .allSatisfy(d ->
                            assertThat(d.header(Headers.DEAD_LETTER_DETAIL)).isNotBlank());
        }

        String id = api.order(Map.of(sku, 2)).text("id");
        await().atMost(Duration.ofSeconds(20)).until(() -> api.status(id).equals("EXPIRED"));
        assertThat(api.stock(sku)).isGreaterThanOrEqualTo(49);
    }
}
