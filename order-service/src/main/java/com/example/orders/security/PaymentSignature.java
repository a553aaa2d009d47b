package com.example.orders.security;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code Payment-Signature} scheme, after Stripe's webhook signatures:
 * {@code t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">}, several {@code v1} allowed (the
 * provider signs with each secret it holds while rotating). Accepted when the timestamp is within
 * the tolerance of now and any {@code v1} matches any of our secrets, compared in constant time.
 */
final class PaymentSignature {

    private final List<byte[]> secrets;
    private final Duration tolerance;

    PaymentSignature(List<String> secrets, Duration tolerance) {
        this.secrets =
                secrets.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
        this.tolerance = tolerance;
    }

    /** The matching signature (hex), or empty if the header is missing, malformed, stale or forged. */
    Optional<String> verify(String header, byte[] body, Instant now) {
        Parsed parsed = Parsed.of(header);
        if (parsed == null
                || Duration.between(Instant.ofEpochSecond(parsed.timestamp()), now)
                                .abs()
                                .compareTo(tolerance)
                        > 0) {
            return Optional.empty();
        }
        for (byte[] secret : secrets) {
            byte[] expected = hmac(secret, parsed.timestamp(), body);
            for (byte[] candidate : parsed.signatures()) {
                if (MessageDigest.isEqual(expected, candidate)) {
                    return Optional.of(HexFormat.of().formatHex(expected));
                }
            }
        }
        return Optional.empty();
    }

    private static byte[] hmac(byte[] secret, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private record Parsed(long timestamp, List<byte[]> signatures) {

        static Parsed of(String header) {
            if (header == null || header.length() > 2_000) {
                return null;
            }
            Long timestamp = null;
            List<byte[]> signatures = new ArrayList<>();
            for (String part : header.split(",")) {
                String[] pair = part.trim().split("=", 2);
                if (pair.length != 2) {
                    return null;
                }
                try {
                    switch (pair[0]) {
                        case "t" -> timestamp = Long.parseLong(pair[1]);
                        case "v1" -> signatures.add(HexFormat.of().parseHex(pair[1]));
                        default -> {} // other schemes: ignored, as providers add new ones
                    }
                } catch (IllegalArgumentException e) {
                    return null;
                }
            }
            return timestamp == null || signatures.isEmpty() ? null : new Parsed(timestamp, signatures);
        }
    }
}
