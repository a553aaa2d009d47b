package com.example.orders.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;

/** The Payment-Signature header as a payment provider sends it, and every way it can be wrong. */
class PaymentSignatureTest {

    private static final byte[] BODY = "{\"paymentId\":\"pay-1\"}".getBytes(StandardCharsets.UTF_8);
    private static final Instant NOW = Instant.parse("2026-12-02T08:00:00Z");
    private static final long T = NOW.getEpochSecond();

    private final PaymentSignature signature =
            new PaymentSignature(List.of("current-secret", "next-secret"), Duration.ofSeconds(300));

    @Test
    void aSignatureWithOneOfOurSecretsIsAcceptedAndNamed() {
        String v1 = hmac("current-secret", T, BODY);

        assertThat(signature.verify("t=" + T + ",v1=" + v1, BODY, NOW)).contains(v1);
        assertThat(signature.verify("t=" + T + ",v1=" + hmac("next-secret", T, BODY), BODY, NOW))
                .isPresent();
    }

    @Test
    void severalSignaturesPassWhenAnyMatchesAsWhileAProviderRotates() {
        String header = "t=" + T + ",v1=" + hmac("retired-secret", T, BODY) + ", v1=" + hmac("next-secret", T, BODY);

        assertThat(signature.verify(header, BODY, NOW)).contains(hmac("next-secret", T, BODY));
    }

    @Test
    void otherSchemesAreIgnored() {
        String header = "t=" + T + ",v0=whatever,v1=" + hmac("current-secret", T, BODY) + ",v2=future";

        assertThat(signature.verify(header, BODY, NOW)).isPresent();
    }

    @Test
    void aTimestampWithinTheToleranceEitherSideIsAccepted() {
        for (long t : new long[] {T - 300, T + 300}) {
            assertThat(signature.verify("t=" + t + ",v1=" + hmac("current-secret", t, BODY), BODY, NOW))
                    .as("t = now %+d s", t - T)
                    .isPresent();
        }
    }

    @Test
    void aTimestampBeyondTheToleranceIsRefusedEvenWhenSignedCorrectly() {
        for (long t : new long[] {T - 301, T + 301}) {
            assertThat(signature.verify("t=" + t + ",v1=" + hmac("current-secret", t, BODY), BODY, NOW))
                    .as("t = now %+d s", t - T)
                    .isEmpty();
        }
    }

    @Test
    void anotherBodyAnotherTimestampOrAnotherSecretIsRefused() {
        String v1 = hmac("current-secret", T, BODY);
        byte[] otherBody = "{\"paymentId\":\"pay-2\"}".getBytes(StandardCharsets.UTF_8);

        assertThat(signature.verify("t=" + T + ",v1=" + v1, otherBody, NOW)).isEmpty();
        assertThat(signature.verify("t=" + (T + 1) + ",v1=" + v1, BODY, NOW)).isEmpty();
        assertThat(signature.verify("t=" + T + ",v1=" + hmac("guessed-secret", T, BODY), BODY, NOW))
                .isEmpty();
    }

    static Stream<String> malformedHeaders() {
        String v1 = hmac("current-secret", T, BODY); // each header is right but for its one flaw
        return Stream.of(
                "garbage",
                "v1=" + v1,
                "t=" + T,
                "t=,v1=" + v1,
                "t=soon,v1=" + v1,
                "t=99999999999999999999,v1=" + v1,
                "t=" + T + ",v1=" + v1 + "0",
                "t=" + T + ",v1=g" + v1.substring(1),
                "t=" + T + ",,v1=" + v1,
                "t=" + T + ",v1");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @MethodSource("malformedHeaders")
    void aMissingOrMalformedHeaderIsRefused(String header) {
        assertThat(signature.verify(header, BODY, NOW)).isEmpty();
    }

    @Test
    void aHeaderOver2000CharactersIsRefusedUnread() {
        String v1 = hmac("current-secret", T, BODY);
        String header = "t=" + T + ",v1=" + v1 + ",x=" + "a".repeat(2_000);

        assertThat(signature.verify(header, BODY, NOW)).isEmpty();
    }

    private static String hmac(String secret, long timestamp, byte[] body) {
        return SliceSecurity.hmac(secret, timestamp, body);
    }
}
