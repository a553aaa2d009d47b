package com.example.orders.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.orders.OrdersProperties;
import com.example.orders.contracts.DelayTransport;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;

/**
 * The plugin probe against this project's real broker, stock RabbitMQ without the
 * delayed-message-exchange plugin. (Where the plugin is present, see DelayedExchangeContainerIT.)
 */
class DelayTransportsIT {

    private final CachingConnectionFactory connections = connections();

    @AfterEach
    void close() {
        connections.destroy();
    }

    @Test
    void autoFallsBackToDeadLetterTtlAndTheSharedConnectionSurvivesTheProbe() {
        var transports = new DelayTransports(properties(DelayTransport.AUTO), connections);

        assertThat(transports.active()).isEqualTo(DelayTransport.DEAD_LETTER_TTL);

        // The broker answered the probe with a connection error; only the probe's connection may die.
        var admin = new RabbitAdmin(connections);
        String queue = admin.declareQueue().getName();
        assertThat(admin.getQueueInfo(queue)).isNotNull();
    }

    @Test
    void explicitDelayedExchangeOnABrokerWithoutThePluginFailsNamingThePlugin() {
        var transports = new DelayTransports(properties(DelayTransport.DELAYED_EXCHANGE), connections);

        assertThatThrownBy(transports::active).hasMessageContaining("rabbitmq_delayed_message_exchange");
    }

    @Test
    void explicitDeadLetterTtlNeedsNoBroker() {
        var unreachable = new CachingConnectionFactory("127.0.0.1", 1);
        try {
            assertThat(new DelayTransports(properties(DelayTransport.DEAD_LETTER_TTL), unreachable).active())
                    .isEqualTo(DelayTransport.DEAD_LETTER_TTL);
        } finally {
            unreachable.destroy();
        }
    }

    @Test
    void autoWithTheBrokerUnreachableStaysUndecidedAndSaysSo() {
        var unreachable = new CachingConnectionFactory("127.0.0.1", 1);
        try {
            var transports = new DelayTransports(properties(DelayTransport.AUTO), unreachable);
            assertThatThrownBy(transports::active).isInstanceOf(RuntimeException.class);
            var info = new org.springframework.boot.actuate.info.Info.Builder();
            transports.contribute(info);
            assertThat(info.build().getDetails().toString()).contains("undecided");
        } finally {
            unreachable.destroy();
        }
    }

    static OrdersProperties properties(DelayTransport transport) {
        return new OrdersProperties(
                Duration.ofMinutes(15),
                Duration.ofSeconds(1),
                Duration.ofHours(24),
                transport,
                new OrdersProperties.Outbox(Duration.ofMillis(100), 100, Duration.ofSeconds(5)),
                List.of("token"),
                List.of("secret"),
                Duration.ofMinutes(5),
                new OrdersProperties.Database(Duration.ofSeconds(10)),
                new OrdersProperties.WarmUp(0));
    }

    static CachingConnectionFactory connections() {
        var factory = new CachingConnectionFactory(System.getenv().getOrDefault("IT_RABBITMQ_HOST", "127.0.0.1"));
        factory.setVirtualHost(System.getenv().getOrDefault("IT_RABBITMQ_VIRTUAL_HOST", "orders-test"));
        factory.setUsername("guest");
        factory.setPassword("guest");
        return factory;
    }
}
