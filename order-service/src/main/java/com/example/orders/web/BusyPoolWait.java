package com.example.orders.web;

import com.example.orders.OrdersProperties;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * A busy pool is worth waiting for; an unreachable database is not. Hikari gives up on a connection
 * after its {@code connection-timeout} (1 s: the outage answer, see {@link DatabaseUnavailable}) in
 * both cases, but it tells them apart: its timeout carries the last failure to open a connection as
 * its cause, and that is cleared by the next connection opened. A timeout without a cause means every
 * connection is in use by requests that will hand it back (a burst, a cold start): the request asks
 * the pool again, up to {@code orders.database.busy-wait} in all, instead of being answered 503 as if
 * the database were down.
 */
final class BusyPoolWait extends DelegatingDataSource {

    private final long busyWaitNanos;

    BusyPoolWait(DataSource pool, Duration busyWait) {
        super(pool);
        this.busyWaitNanos = busyWait.toNanos();
    }

    @Override
    public Connection getConnection() throws SQLException {
        long giveUpAt = System.nanoTime() + busyWaitNanos;
        while (true) {
            try {
                return super.getConnection();
            } catch (SQLTransientConnectionException timedOut) {
                if (timedOut.getCause() != null || System.nanoTime() - giveUpAt >= 0) {
                    throw timedOut;
                }
            }
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Wrapping {

        /** Static, and the settings looked up only when the pool is made: a post-processor is created first. */
        @Bean
        static BeanPostProcessor busyPoolWait(ObjectProvider<OrdersProperties> settings) {
            return new BeanPostProcessor() {
                @Override
                public Object postProcessAfterInitialization(Object bean, String name) {
                    return bean instanceof DataSource pool && !(bean instanceof BusyPoolWait)
                            ? new BusyPoolWait(
                                    pool, settings.getObject().database().busyWait())
                            : bean;
                }
            };
        }
    }
}
