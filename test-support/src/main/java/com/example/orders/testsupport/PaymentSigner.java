package com.example.orders.testsupport;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The payment provider's signature, as the contract says: {@code t=<unix seconds>,v1=<hex
 * HMAC-SHA256 of "<t>.<raw body>">}. The only signer on the test side.
 */
public final class PaymentSigner {

    private static final Map<String, Set<Long>> SIGNED = new HashMap<>();

    private PaymentSigner() {}

    public static String sign(String secret, long timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] digest = mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
            return "t=" + timestamp + ",v1=" + HexFormat.of().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A new delivery, signed afresh. order-service lets a signature it has already accepted through
     * again only as a retry of the same request to the same order, and two calls with the same body in
     * the same second would sign alike: so each call takes a timestamp not yet used for its body (now,
     * or a few seconds back, well inside the 300 s window).
     */
    public static String fresh(String secret, String body) {
        return sign(secret, freshTimestamp(body), body);
    }

    private static synchronized long freshTimestamp(String body) {
        Set<Long> used = SIGNED.computeIfAbsent(body, b -> new HashSet<>());
        long timestamp = Instant.now().getEpochSecond();
        while (!used.add(timestamp)) {
            timestamp--;
        }
        return timestamp;
    }
}
