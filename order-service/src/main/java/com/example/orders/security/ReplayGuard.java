package com.example.orders.security;

import java.time.Duration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** Remembers accepted payment signatures for the tolerance window, in the database (all instances). */
@Component
class ReplayGuard {

    private static final String REMEMBER =
            "INSERT IGNORE INTO payment_signature (signature, seen_at) VALUES (:signature, NOW(3))";

    private static final String FORGET_OLD = """
            DELETE FROM payment_signature WHERE seen_at < TIMESTAMPADD(SECOND, -:keepSeconds, NOW(3)) LIMIT 10000
            """;

    private final JdbcClient jdbc;
    private final long keepSeconds;

    ReplayGuard(JdbcClient jdbc, com.example.orders.OrdersProperties properties) {
        this.jdbc = jdbc;
        // Twice the tolerance: a timestamp may be that far in the future as well as in the past.
        this.keepSeconds = properties
                .paymentSignatureTolerance()
                .multipliedBy(2)
                .plus(Duration.ofMinutes(1))
                .toSeconds();
    }

    /** True the first time a signature is seen; false for a replay. */
    boolean firstUse(String signature) {
        return jdbc.sql(REMEMBER).param("signature", signature).update() == 1;
    }

    @Scheduled(fixedDelay = 60_000, initialDelay = 60_000)
    void forgetOld() {
        jdbc.sql(FORGET_OLD).param("keepSeconds", keepSeconds).update();
    }
}
