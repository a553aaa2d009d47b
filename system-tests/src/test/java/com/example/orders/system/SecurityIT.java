package com.example.orders.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.orders.testsupport.Api;
import com.example.orders.testsupport.PaymentSigner;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Nobody but a storefront places orders, and nobody but the payment provider marks them paid. */
class SecurityIT {

    private final Api api = SystemUnderTest.get().api();
    private final Api secondInstance = api.on(SystemUnderTest.get().secondOrderServiceUrl());

    private String pendingOrder() {
        String sku = api.newProduct("sec", 5, 100);
        return api.order(Map.of(sku, 1)).text("id");
    }

    private static String body(String paymentId) {
        return "{\"paymentId\":\"" + paymentId + "\"}";
    }

    @Test
    void callsWithoutOrWithAWrongStorefrontTokenAreUnauthorizedAndWriteNothing() {
        long orders = SystemUnderTest.DATABASE.count("SELECT COUNT(*) FROM orders");

        Api.Response anonymous = api.withToken("GET", "/api/products/anything", null);
        Api.Response wrong = api.withToken("GET", "/api/products/anything", "not-a-token");
        Api.Response placeAnonymously = api.withToken("POST", "/api/orders", null);

        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.contentType()).startsWith("application/problem+json");
        assertThat(anonymous.header("WWW-Authenticate")).hasValue("Bearer");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(placeAnonymously.status()).isEqualTo(401);
        assertThat(SystemUnderTest.DATABASE.count("SELECT COUNT(*) FROM orders"))
                .isEqualTo(orders);
    }

    @Test
    void everyConfiguredStorefrontTokenIsAccepted() {
        assertThat(api.withToken("GET", "/api/products/none", "another-storefront")
                        .status())
                .isEqualTo(404);
    }

    @Test
    void unsignedPaymentIsUnauthorizedAndTheOrderStaysPending() {
        String id = pendingOrder();
        Api.Response unsigned = api.payRaw(id, body("p"), null);
        assertThat(unsigned.status()).isEqualTo(401);
        assertThat(unsigned.header("WWW-Authenticate")).hasValue("Payment-Signature");
        assertThat(api.status(id)).isEqualTo("PENDING");
    }

    @Test
    void storefrontTokenCannotConfirmAPayment() {
        String id = pendingOrder();
        Api.Response response = api.sendRaw("POST", "/api/orders/" + id + "/payment", body("p"), "application/json");
        assertThat(response.status()).isEqualTo(401);
        assertThat(api.status(id)).isEqualTo("PENDING");
    }

    @Test
    void forgedPaymentSignatureIsUnauthorized() {
        String id = pendingOrder();
        long now = Instant.now().getEpochSecond();

        Api.Response wrongSecret = api.payRaw(id, body("p"), PaymentSigner.sign("guessed-secret", now, body("p")));
        Api.Response otherBody =
                api.payRaw(id, body("p-evil"), PaymentSigner.sign(SystemUnderTest.PAYMENT_SECRET, now, body("p")));
        Api.Response garbage = api.payRaw(id, body("p"), "t=abc,v1=zz");

        assertThat(wrongSecret.status()).isEqualTo(401);
        assertThat(otherBody.status()).as("signature of another body").isEqualTo(401);
        assertThat(garbage.status()).isEqualTo(401);
        assertThat(api.status(id)).isEqualTo("PENDING");
    }

    @Test
    void stalePaymentSignatureIsUnauthorized() {
        String id = pendingOrder();
        long sixMinutesAgo = Instant.now().minusSeconds(360).getEpochSecond();
        long sixMinutesAhead = Instant.now().plusSeconds(360).getEpochSecond();

        assertThat(api.payRaw(
                                id,
                                body("p"),
                                PaymentSigner.sign(SystemUnderTest.PAYMENT_SECRET, sixMinutesAgo, body("p")))
                        .status())
                .isEqualTo(401);
        assertThat(api.payRaw(
                                id,
                                body("p"),
                                PaymentSigner.sign(SystemUnderTest.PAYMENT_SECRET, sixMinutesAhead, body("p")))
                        .status())
                .isEqualTo(401);
        assertThat(api.status(id)).isEqualTo("PENDING");
    }

    @Test
    void providerRetryOfTheIdenticalSignedRequestIsAnsweredLikeTheFirstOnAnyInstance() {
        String id = pendingOrder();
        long now = Instant.now().getEpochSecond();
        String signature = PaymentSigner.sign(SystemUnderTest.PAYMENT_SECRET, now, body("p-retry"));
        Api.Response first = api.payRaw(id, body("p-retry"), signature);
        // The answer was lost; the provider's HTTP client sends the same bytes again, and a load
        // balancer hands the retry to the other instance.
        Api.Response retry = secondInstance.payRaw(id, body("p-retry"), signature);
        Api.Response retryAgain = api.payRaw(id, body("p-retry"), signature);

        assertThat(first.status()).isEqualTo(200);
        assertThat(retry.status()).as("the retry on the other instance").isEqualTo(200);
        assertThat(retryAgain.status()).isEqualTo(200);
        assertThat(retry.text("status")).isEqualTo("PAID");
        assertThat(retry.body()).isEqualTo(first.body());
        assertThat(SystemUnderTest.DATABASE.count(
                        "SELECT COUNT(*) FROM orders WHERE id = ? AND payment_id = 'p-retry'", id))
                .isEqualTo(1);
    }

    @Test
    void signatureAlreadyUsedForOneOrderIsRefusedOnAnotherOrderOnAnyInstance() {
        String first = pendingOrder();
        String other = pendingOrder();
        // A payment id of its own: the same body signed at the same second elsewhere in the run would
        // be the same signature, already bound to that other order.
        String paymentId = "p-" + UUID.randomUUID();
        long halfAMinuteAgo = Instant.now().minusSeconds(30).getEpochSecond();
        String signature = PaymentSigner.sign(SystemUnderTest.PAYMENT_SECRET, halfAMinuteAgo, body(paymentId));

        assertThat(api.payRaw(first, body(paymentId), signature).status()).isEqualTo(200);
        Api.Response elsewhere = secondInstance.payRaw(other, body(paymentId), signature);
        Api.Response here = api.payRaw(other, body(paymentId), signature);

        assertThat(elsewhere.status())
                .as("replayed on another order, other instance")
                .isEqualTo(401);
        assertThat(here.status()).as("replayed on another order, same instance").isEqualTo(401);
        assertThat(api.status(other)).isEqualTo("PENDING");
        // A retry the provider signs afresh is the idempotent repeat the contract allows.
        assertThat(api.pay(first, paymentId).status()).isEqualTo(200);
    }

    @Test
    void olderSecretStillWorksDuringRotationAndAnyOfSeveralSignaturesMayMatch() {
        String id = pendingOrder();
        long now = Instant.now().getEpochSecond();
        String old = PaymentSigner.sign(SystemUnderTest.OLD_PAYMENT_SECRET, now, body("p-rot"));
        String unknown = PaymentSigner.sign("retired-secret", now, body("p-rot"));

        Api.Response paid = api.payRaw(id, body("p-rot"), unknown + "," + old.substring(old.indexOf("v1=")));

        assertThat(paid.status()).isEqualTo(200);
        assertThat(paid.text("status")).isEqualTo("PAID");
    }

    @Test
    void healthIsOpenButItsDetailsAreOnlyForAuthenticatedCallers() {
        Api.Response anonymous = api.withToken("GET", "/actuator/health", null);
        Api.Response storefront = api.withToken("GET", "/actuator/health", SystemUnderTest.STOREFRONT_TOKEN);

        assertThat(anonymous.status()).isEqualTo(200);
        assertThat(anonymous.body().has("components")).isFalse();
        assertThat(storefront.body().path("components").has("db")).isTrue();
        assertThat(api.withToken("GET", "/actuator/env", null).status()).isEqualTo(401);
        assertThat(api.withToken("GET", "/actuator/env", SystemUnderTest.STOREFRONT_TOKEN)
                        .status())
                .isIn(401, 404);
    }
}
