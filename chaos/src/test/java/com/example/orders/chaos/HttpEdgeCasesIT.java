package com.example.orders.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.orders.testsupport.Api;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The inputs a generator rarely hits: wrong content types, huge bodies, deep nesting, numbers too
 * long to parse, and an order total that overflows. Each is a 4xx problem and writes nothing.
 */
class HttpEdgeCasesIT {

    private final Api api = BadInputFixture.get().api;

    static Stream<Arguments> wrongContentTypes() {
        String body = "{\"customerId\":\"c\",\"items\":[{\"sku\":\"bad-a\",\"quantity\":1}]}";
        return Stream.of(
                Arguments.of(Named.of("text/plain", "text/plain"), body),
                Arguments.of(Named.of("application/xml", "application/xml"), "<order/>"),
                Arguments.of(Named.of("form", "application/x-www-form-urlencoded"), "customerId=c"),
                Arguments.of(Named.of("multipart", "multipart/form-data; boundary=x"), "--x--"),
                Arguments.of(Named.of("no content type", null), body),
                Arguments.of(Named.of("nonsense content type", "not a media type"), body),
                Arguments.of(Named.of("unknown charset", "application/json; charset=klingon"), body));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wrongContentTypes")
    void orderInAnotherFormatIsRefusedWithAProblemAndWritesNothing(String contentType, String body) {
        long before = BadInputFixture.orderCount();

        Api.Response response = api.send("POST", "/api/orders", body, contentType, Map.of());

        assertThat(response.status()).isIn(400, 415);
        assertThat(response.isProblem()).as(response.raw()).isTrue();
        assertThat(BadInputFixture.orderCount()).isEqualTo(before);
    }

    static Stream<Arguments> hugeOrDeepBodies() {
        return Stream.of(
                Arguments.of(Named.of(
                        "8 MB customer id",
                        "{\"customerId\":\"" + "x".repeat(8_000_000)
                                + "\",\"items\":[{\"sku\":\"bad-a\",\"quantity\":1}]}")),
                Arguments.of(Named.of(
                        "200 000 lines",
                        "{\"customerId\":\"c\",\"items\":[" + "{\"sku\":\"bad-a\",\"quantity\":1},".repeat(200_000)
                                + "{\"sku\":\"bad-b\",\"quantity\":1}]}")),
                Arguments.of(Named.of(
                        "nested 100 000 deep",
                        "{\"customerId\":\"c\",\"items\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}")),
                Arguments.of(Named.of(
                        "number of 5000 digits",
                        "{\"customerId\":\"c\",\"items\":[{\"sku\":\"bad-a\"," + "\"quantity\":" + "9".repeat(5_000)
                                + "}]}")),
                Arguments.of(Named.of("string of 30 MB", "\"" + "y".repeat(30_000_000) + "\"")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hugeOrDeepBodies")
    void hugeOrDeeplyNestedOrderIsRefusedWithAProblemAndTheServiceStaysUp(String body) {
        long before = BadInputFixture.orderCount();

        Api.Response response = api.send("POST", "/api/orders", body, "application/json", Map.of());

        assertThat(response.status()).isIn(400, 413);
        assertThat(response.isProblem()).as(response.raw()).isTrue();
        assertThat(BadInputFixture.orderCount()).isEqualTo(before);
        assertThat(api.get("/api/products/bad-a").status()).as("still serving").isEqualTo(200);
    }

    @Test
    void orderWhoseTotalOverflowsIsRefusedAndReservesNothing() {
        var lines = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            String sku = "dear-" + i + "-" + UUID.randomUUID().toString().substring(0, 6);
            Api.Response put =
                    api.putProduct(sku, Map.of("name", "Dear", "priceCents", 1_000_000_000_000L, "stock", 2_000_000));
            assertThat(put.status()).isEqualTo(201);
            lines.append(i == 0 ? "" : ",").append("{\"sku\":\"%s\",\"quantity\":1000000}".formatted(sku));
        }
        long before = BadInputFixture.orderCount();

        Api.Response response = api.placeOrder(
                "{\"customerId\":\"rich\",\"items\":[" + lines + "]}",
                UUID.randomUUID().toString());

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.isProblem()).as(response.raw()).isTrue();
        assertThat(BadInputFixture.orderCount()).isEqualTo(before);
        assertThat(Settings.db().count("SELECT COUNT(*) FROM product WHERE sku LIKE 'dear-%' AND stock <> 2000000"))
                .as("stock taken by the refused order")
                .isZero();
    }

    @Test
    void veryLongIdempotencyKeyIsRefusedWithAProblem() {
        long before = BadInputFixture.orderCount();

        Api.Response response = api.placeOrder(
                "{\"customerId\":\"c\",\"items\":[{\"sku\":\"bad-a\",\"quantity\":1}]}", "k".repeat(129));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.isProblem()).as(response.raw()).isTrue();
        assertThat(BadInputFixture.orderCount()).isEqualTo(before);
    }
}
