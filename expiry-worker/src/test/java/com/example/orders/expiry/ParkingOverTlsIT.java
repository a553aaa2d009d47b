package com.example.orders.expiry;

import static com.example.orders.expiry.ItDatabase.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.example.orders.contracts.DelayTransport;
import com.example.orders.contracts.Topology;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A worker that reaches RabbitMQ 4.3 over TLS only (its TLS port, no other) still parks messages: its
 * AMQP 1.0 connection takes the same {@code spring.rabbitmq.ssl.*} settings as the 0-9-1 one, both as an
 * SSL bundle and as a trust store, the two ways Spring Boot users configure it. Before, a worker with
 * {@code SPRING_RABBITMQ_SSL_ENABLED=true} and no bundle opened its AMQP 1.0 connection in plain text
 * to the TLS port, failed, and tried again for ever: no expiry message was consumed, every order waited
 * for the sweep.
 *
 * <p>Runs where the test broker has a TLS listener: {@code IT_RABBITMQ_TLS_PORT}, with its CA as
 * {@code IT_RABBITMQ_TLS_CA} (PEM) and {@code IT_RABBITMQ_TLS_TRUST_STORE} (PKCS12, password
 * changeit); {@code scripts/test.sh} sets them for the private RabbitMQ 4.3 ({@code scripts/rabbitmq4.sh
 * tls}).
 */
class ParkingOverTlsIT {

    static final String TLS_PORT = System.getenv("IT_RABBITMQ_TLS_PORT");
    static final String CA = System.getenv("IT_RABBITMQ_TLS_CA");
    static final String TRUST_STORE = System.getenv("IT_RABBITMQ_TLS_TRUST_STORE");

    @BeforeAll
    static void onABrokerThatParksOverTls() throws Exception {
        assumeTrue(brokerParksMessages(), "RabbitMQ 4.3+ parks messages; this broker has no quorum-delay");
        assumeTrue(TLS_PORT != null, "IT_RABBITMQ_TLS_PORT names no TLS listener of the test broker");
        reset();
    }

    static void overTls(DynamicPropertyRegistry registry) {
        ItDatabase.register(registry);
        registry.add("spring.rabbitmq.port", () -> TLS_PORT);
        registry.add("spring.rabbitmq.ssl.enabled", () -> "true");
        registry.add("orders.delay-transport", () -> "auto");
        registry.add("expiry.sweep-interval", () -> "1h");
        registry.add("expiry.warm-up-batches", () -> 0);
    }

    @Nested
    @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
    @DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
    class WithAnSslBundle extends OverTls {

        @DynamicPropertySource
        static void bundle(DynamicPropertyRegistry registry) {
            overTls(registry);
            registry.add("spring.ssl.bundle.pem.it-broker.truststore.certificate", () -> "file:" + CA);
            registry.add("spring.rabbitmq.ssl.bundle", () -> "it-broker");
        }
    }

    @Nested
    @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
    @DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
    class WithATrustStore extends OverTls {

        @DynamicPropertySource
        static void trustStore(DynamicPropertyRegistry registry) {
            overTls(registry);
            registry.add("spring.rabbitmq.ssl.trust-store", () -> "file:" + TRUST_STORE);
            registry.add("spring.rabbitmq.ssl.trust-store-type", () -> "PKCS12");
            registry.add("spring.rabbitmq.ssl.trust-store-password", () -> "changeit");
        }
    }

    abstract static class OverTls {

        @Autowired
        RabbitTemplate rabbit;

        @Autowired
        MeterRegistry meters;

        @Autowired
        WorkQueueConsumers consumers;

        @Test
        void aNewOrdersMessageIsParkedOverTlsAndExpiresTheOrderAtItsDeadline() throws Exception {
            String sku = "tls-" + System.nanoTime();
            product(sku, 5);
            String id = order(sku, 1, "PENDING", 3);
            double parked = parkedNotDue();

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> consumers.started().equals(DelayTransport.QUORUM_DELAY.label()));
            rabbit.send(
                    Topology.EXPIRY_EXCHANGE,
                    Topology.EXPIRE_KEY,
                    MessageBuilder.withBody(orderCreated(id, deadline(id))).build());

            await().atMost(Duration.ofSeconds(10)).until(() -> parkedNotDue() > parked);
            await().atMost(Duration.ofSeconds(15)).until(() -> "EXPIRED".equals(status(id)));
            assertThat(single("SELECT closed_at >= expires_at FROM orders WHERE id = ?", id))
                    .as("never before its deadline")
                    .isEqualTo("1");
            assertThat(stock(sku)).isEqualTo(5);
        }

        private double parkedNotDue() {
            var counter =
                    meters.find("orders.expiry.parked").tag("reason", "not-due").counter();
            return counter == null ? 0 : counter.count();
        }
    }
}
