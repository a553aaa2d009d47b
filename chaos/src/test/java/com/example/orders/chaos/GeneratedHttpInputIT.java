package com.example.orders.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.orders.testsupport.Api;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Generated HTTP input (jqwik): bodies built from a valid one by truncating it, giving fields the
 * wrong type, dropping or adding fields, and filling them with extreme numbers, unicode and very long
 * strings. Whatever comes in, the answer is a whole success or a 4xx problem with nothing written;
 * never a 500.
 */
class GeneratedHttpInputIT {

    private final Api api = BadInputFixture.get().api;

    @Property(tries = 250)
    void anyOrderBodyIsEitherPlacedWholeOrRefusedWithAProblemThatWritesNothing(@ForAll("orderBodies") String body) {
        long ordersBefore = BadInputFixture.orderCount();
        long stockBefore = BadInputFixture.stockAndHeld();

        Api.Response response = api.placeOrder(body, UUID.randomUUID().toString());

        assertThat(response.status()).as("status for %s", body).isIn(201, 400, 404, 409, 413, 415, 422);
        if (response.status() == 201) {
            assertThat(BadInputFixture.orderCount()).isEqualTo(ordersBefore + 1);
        } else {
            assertThat(response.isProblem())
                    .as("problem+json for %s: %s", body, response.raw())
                    .isTrue();
            assertThat(BadInputFixture.orderCount()).as("orders after %s", body).isEqualTo(ordersBefore);
        }
        assertThat(BadInputFixture.stockAndHeld())
                .as("stock + held after %s", body)
                .isEqualTo(stockBefore);
        assertThat(BadInputFixture.halfWrittenOrders()).isZero();
    }

    @Property(tries = 120)
    void anyProductBodyIsEitherStoredOrRefusedWithAProblemThatCreatesNothing(
            @ForAll("productBodies") String body, @ForAll("ids") String rawSku) {
        String sku = "gen-" + UUID.randomUUID().toString().substring(0, 8) + rawSku;
        String path = "/api/products/" + BadInputFixture.pathSegment(sku);

        Api.Response response = api.send("PUT", path, body, "application/json", Map.of());

        assertThat(response.status()).as("status for %s %s", sku, body).isIn(200, 201, 400, 404, 413, 415);
        boolean stored = Settings.db().count("SELECT COUNT(*) FROM product WHERE sku = ?", sku) == 1;
        if (response.status() < 300) {
            assertThat(stored).isTrue();
        } else {
            assertThat(response.isProblem())
                    .as("problem+json for %s: %s", body, response.raw())
                    .isTrue();
            assertThat(stored)
                    .as("product %s stored after %d", sku, response.status())
                    .isFalse();
        }
    }

    @Property(tries = 80)
    void anyPaymentBodyEitherPaysWithThatIdOrLeavesTheOrderPending(@ForAll("paymentBodies") String body) {
        Api.Response placed = api.placeOrder(
                "{\"customerId\":\"payer\",\"items\":[{\"sku\":\"bad-a\",\"quantity\":1}]}",
                UUID.randomUUID().toString());
        String id = placed.text("id");

        Api.Response response = api.sendPayment(id, body, "application/json");

        assertThat(response.status()).as("status for %s", body).isIn(200, 400, 409, 413, 415);
        String status = Settings.db()
                .query("SELECT status FROM orders WHERE id = ?", rs -> rs.getString(1), id)
                .get(0);
        if (response.status() == 200) {
            assertThat(status).isEqualTo("PAID");
        } else {
            assertThat(response.isProblem())
                    .as("problem+json for %s: %s", body, response.raw())
                    .isTrue();
            assertThat(status).as("order after %s", body).isIn("PENDING", "EXPIRED");
        }
    }

    @Property(tries = 80)
    void anyOrderOrProductIdInThePathIsAnsweredWithoutAServerError(@ForAll("ids") String id) {
        Api.Response order = api.get("/api/orders/" + BadInputFixture.pathSegment(id));
        Api.Response product = api.get("/api/products/" + BadInputFixture.pathSegment(id));

        assertThat(order.status()).as("GET order %s", id).isIn(400, 404);
        assertThat(order.isProblem()).as("GET order %s: %s", id, order.raw()).isTrue();
        assertThat(product.status()).as("GET product %s", id).isIn(400, 404);
        assertThat(product.isProblem())
                .as("GET product %s: %s", id, product.raw())
                .isTrue();
    }

    @Provide
    Arbitrary<String> orderBodies() {
        Arbitrary<Object> line = Combinators.combine(
                        skuValues(),
                        values(quantities()),
                        Arbitraries.integers().between(0, 3))
                .as((sku, quantity, shape) -> {
                    Map<String, Object> item = new LinkedHashMap<>();
                    if (shape != 1) {
                        item.put("sku", sku);
                    }
                    if (shape != 2) {
                        item.put("quantity", quantity);
                    }
                    if (shape == 3) {
                        item.put("extra", "field");
                    }
                    return item;
                });
        Arbitrary<Object> items = Arbitraries.oneOf(
                line.list().ofMinSize(0).ofMaxSize(4).map(list -> (Object) list),
                line.list().ofMinSize(1).ofMaxSize(2).map(list -> {
                    List<Object> twice = new ArrayList<>(list);
                    twice.addAll(list); // duplicate skus
                    return (Object) twice;
                }),
                wrongTypes());
        Arbitrary<String> whole = Combinators.combine(
                        values(strings()), items, Arbitraries.integers().between(0, 3))
                .as((customer, lines, shape) -> {
                    Map<String, Object> body = new LinkedHashMap<>();
                    if (shape != 1) {
                        body.put("customerId", customer);
                    }
                    if (shape != 2) {
                        body.put("items", lines);
                    }
                    if (shape == 3) {
                        body.put("status", "PAID");
                        body.put("totalCents", -1);
                    }
                    return Api.JSON.writeValueAsString(body);
                });
        return Arbitraries.oneOf(whole, truncated(whole), Arbitraries.strings().ofMaxLength(50));
    }

    @Provide
    Arbitrary<String> productBodies() {
        Arbitrary<String> whole = Combinators.combine(values(strings()), values(prices()), values(quantities()))
                .as((name, price, stock) -> {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("name", name);
                    body.put("priceCents", price);
                    body.put("stock", stock);
                    return Api.JSON.writeValueAsString(body);
                });
        return Arbitraries.oneOf(whole, truncated(whole));
    }

    @Provide
    Arbitrary<String> paymentBodies() {
        Arbitrary<String> whole =
                values(strings()).map(paymentId -> Api.JSON.writeValueAsString(Map.of("paymentId", paymentId)));
        return Arbitraries.oneOf(
                whole, truncated(whole), Arbitraries.of("{}", "[]", "null", "\"x\"", "{\"paymentId\":null}"));
    }

    @Provide
    Arbitrary<String> ids() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMinLength(1).ofMaxLength(40),
                Arbitraries.strings().withCharRange('a', 'z').ofLength(2_000),
                Arbitraries.of("..", "%", "%00", "a/b", "\u0000", "' OR 1=1 --", "\uD83D\uDE00", "\u202Eevil"));
    }

    private static Arbitrary<Object> skuValues() {
        return Arbitraries.oneOf(
                Arbitraries.of(BadInputFixture.SKUS).map(s -> (Object) s),
                Arbitraries.of(
                                "no-such-sku",
                                "",
                                " ",
                                "bad a",
                                "BAD-A",
                                "\u00e9t\u00e9",
                                "x".repeat(65),
                                "x".repeat(5000))
                        .map(s -> (Object) s),
                wrongTypes());
    }

    private static Arbitrary<Object> quantities() {
        return Arbitraries.oneOf(
                Arbitraries.integers().between(-3, 5).map(q -> (Object) q),
                Arbitraries.of(
                        Integer.MAX_VALUE,
                        Integer.MIN_VALUE,
                        Long.MAX_VALUE,
                        1_000_000,
                        1_000_001,
                        new BigInteger("123456789012345678901234567890"),
                        1.5,
                        -0.0,
                        1e308));
    }

    private static Arbitrary<Object> prices() {
        return Arbitraries.oneOf(
                Arbitraries.longs().between(-2, 1_000).map(p -> (Object) p),
                Arbitraries.of(Long.MAX_VALUE, Long.MIN_VALUE, 1_000_000_000_001L, new BigInteger("9".repeat(40))));
    }

    private static Arbitrary<Object> strings() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMinLength(1).ofMaxLength(70).map(s -> (Object) s),
                Arbitraries.of("", "   ", "x".repeat(129), "x".repeat(100_000), "\uD83D\uDE00".repeat(40))
                        .map(s -> (Object) s));
    }

    /** The value itself, or a value of another JSON type in its place. */
    private static Arbitrary<Object> values(Arbitrary<Object> valid) {
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, valid), net.jqwik.api.Tuple.of(1, wrongTypes()));
    }

    private static Arbitrary<Object> wrongTypes() {
        return Arbitraries.of(true, 0, -1, "text", "", List.of(), List.of(1, 2), Map.of(), Map.of("a", 1), 3.14, "NaN");
    }

    private static Arbitrary<String> truncated(Arbitrary<String> bodies) {
        return bodies.flatMap(body -> Arbitraries.integers()
                .between(0, Math.max(0, body.length() - 1))
                .map(cut -> body.substring(0, cut)));
    }
}
