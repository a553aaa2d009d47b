package com.example.orders.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Against the real database: a request that finds every pooled connection in use waits for one to
 * come back instead of being answered 503 as if the database were down, and one for a database that
 * cannot be reached still fails after the pool's own wait.
 */
class BusyPoolWaitIT {

    private static final String DB_URL =
            System.getenv().getOrDefault("IT_DATASOURCE_URL", "jdbc:mysql://127.0.0.1:3306/orders_test");

    @Test
    void aRequestThatFindsThePoolBusyGetsTheConnectionOnceItIsHandedBack() throws Exception {
        try (HikariDataSource pool = pool(DB_URL)) {
            var patient = new BusyPoolWait(pool, Duration.ofSeconds(20));
            Connection held = pool.getConnection();
            assertThatThrownBy(pool::getConnection)
                    .as("the pool alone gives up while its only connection is in use")
                    .isInstanceOf(SQLTransientConnectionException.class);

            CompletableFuture<Connection> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return patient.getConnection();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // longer than the pool's own wait: the waiting request has timed out on the pool at least once
            Thread.sleep(3 * pool.getConnectionTimeout());
            assertThat(waiting).as("still waiting for the busy pool").isNotDone();
            held.close();

            try (Connection got = waiting.get(20, TimeUnit.SECONDS)) {
                assertThat(got.isValid(1)).isTrue();
            }
        }
    }

    @Test
    void aRequestForAnUnreachableDatabaseFailsWithTheReasonInsteadOfWaiting() {
        try (HikariDataSource pool = pool("jdbc:mysql://127.0.0.1:1/orders")) {
            var patient = new BusyPoolWait(pool, Duration.ofMinutes(10));
            assertThatThrownBy(patient::getConnection)
                    .isInstanceOf(SQLTransientConnectionException.class)
                    .as("the failure to connect travels with it (read by DatabaseUnavailable as a 503)")
                    .hasCauseInstanceOf(java.sql.SQLException.class);
        }
    }

    private static HikariDataSource pool(String url) {
        var pool = new HikariDataSource();
        pool.setJdbcUrl(url);
        pool.setUsername("orders");
        pool.setPassword("orders");
        pool.setMaximumPoolSize(1);
        pool.setConnectionTimeout(250);
        pool.setInitializationFailTimeout(-1);
        return pool;
    }
}
