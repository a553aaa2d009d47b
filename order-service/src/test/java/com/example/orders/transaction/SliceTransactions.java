package com.example.orders.transaction;

import static org.mockito.Mockito.mock;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Transactions for {@code @WebMvcTest} slices with the database left out: the template runs the
 * callback as the real one does (the mocked manager has nothing to commit), with the real
 * {@link TransactionRetry} around it.
 */
@TestConfiguration(proxyBeanMethods = false)
@Import(TransactionRetry.class)
public class SliceTransactions {

    @Bean
    TransactionTemplate transactionTemplate() {
        return new TransactionTemplate(mock(PlatformTransactionManager.class));
    }

    @Bean
    MeterRegistry meterRegistry() {
        return new SimpleMeterRegistry();
    }
}
