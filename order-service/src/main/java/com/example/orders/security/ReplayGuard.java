package com.example.orders.security;

import com.example.orders.OrdersProperties;
import com.example.orders.transaction.TransactionRetry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Remembers accepted payment signatures for the tolerance window, in the database (all instances),
 * with the order and body each was first used for. The same signature again on the same order with
 * the same body is a provider's retry of one request and is let through (the payment itself is
 * idempotent); on any other order it is a replay of a captured request and is refused.
 */
@Component
class ReplayGuard {

    /** How a signature is being used: the first time, a retry of that same request, or a replay. */
    enum Use {
        FIRST,
        RETRY,
        REPLAY
    }

    private static final String REMEMBER = """
            INSERT IGNORE INTO payment_signature (signature, order_id, body_sha256, seen_at)
            VALUES (:signature, :orderId, :bodySha256, NOW(3))
            """;

    private static final String FIRST_USE = """
            SELECT COUNT(*) FROM payment_signature
            WHERE signature = :signature AND order_id = :orderId AND body_sha256 = :bodySha256
            """;

    private static final String FORGET_OLD = """
            DELETE FROM payment_signature WHERE seen_at < TIMESTAMPADD(SECOND, -:keepSeconds, NOW(3)) LIMIT 10000
            """;

    /** Longer path segments are not order ids; they are remembered by digest to fit the column. */
    private static final int MAX_ORDER_ID = 255;

    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;
    private final TransactionRetry.Place attempts;
    private final long keepSeconds;

    ReplayGuard(JdbcClient jdbc, TransactionTemplate transaction, TransactionRetry retry, OrdersProperties properties) {
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.attempts = retry.place("payment-signature");
        // Twice the tolerance: a timestamp may be that far in the future as well as in the past.
        this.keepSeconds = properties
                .paymentSignatureTolerance()
                .multipliedBy(2)
                .plus(Duration.ofMinutes(1))
                .toSeconds();
    }

    /**
     * Records the first use of a signature (committed at once, so every instance sees it; a
     * concurrent first use on another instance waits for this row's lock and then finds it). The
     * remembering is its own transaction, before and outside the payment's: when the payment's
     * transaction fails after it (a deadlock past its retries, the database away), the provider's
     * identical retry of the request is recognised here and let through. A deadlock on the remembering
     * itself wrote nothing and runs again. On a Galera cluster a concurrent first use through another
     * node does not wait for this row's lock (locks are per node): the second to commit fails its
     * certification (1213) instead, runs again, and then finds the row, the same outcome.
     */
    Use use(String signature, String orderId, byte[] body) {
        return attempts.run(() -> transaction.execute(tx -> useOnce(signature, orderId, body)));
    }

    private Use useOnce(String signature, String orderId, byte[] body) {
        String target = orderId.length() <= MAX_ORDER_ID
                ? orderId
                : "sha256:" + sha256(orderId.getBytes(StandardCharsets.UTF_8));
        String bodySha256 = sha256(body);
        if (jdbc.sql(REMEMBER)
                        .param("signature", signature)
                        .param("orderId", target)
                        .param("bodySha256", bodySha256)
                        .update()
                == 1) {
            return Use.FIRST;
        }
        long same = jdbc.sql(FIRST_USE)
                .param("signature", signature)
                .param("orderId", target)
                .param("bodySha256", bodySha256)
                .query(Long.class)
                .single();
        return same == 1 ? Use.RETRY : Use.REPLAY;
    }

    @Scheduled(fixedDelay = 60_000, initialDelay = 60_000)
    void forgetOld() {
        transaction.executeWithoutResult(
                tx -> jdbc.sql(FORGET_OLD).param("keepSeconds", keepSeconds).update());
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
