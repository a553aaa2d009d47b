package com.example.orders.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import com.example.orders.OrdersProperties;
import com.example.orders.contracts.DelayTransport;
import com.example.orders.contracts.Topology;
import com.example.orders.delay.BrokerVersion;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.DirectExchange;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;

/**
 * The plugin probe against the test broker, whichever kind it is: stock RabbitMQ 3.10 (this project's
 * local one), RabbitMQ 4.3 (scripts/test.sh's second pass) or one with the delayed-message-exchange
 * plugin. What the broker offers is asked of it independently of the code under test
 * ({@link #brokerHasThePlugin}), and each test expects the answer that fits. (The plugin path end to
 * end: PluginBrokerContainerIT, DelayedExchangeContainerIT; a refused publish into the plugin's
 * exchange: outbox/WindowQueueIT.)
 */
class DelayTransportsIT {

    private final CachingConnectionFactory connections = connections();

    @BeforeEach
    void workQueue() {
        declareWorkQueue(new RabbitAdmin(connections));
    }

    /** What order-service's topology declares and the plugin's exchange is bound to: the work queue. */
    static void declareWorkQueue(RabbitAdmin admin) {
        DirectExchange expiry = new DirectExchange(Topology.EXPIRY_EXCHANGE);
        Queue work = QueueBuilder.durable(Topology.EXPIRY_QUEUE)
                .withArguments(Topology.expiryQueueArguments())
                .build();
        admin.declareExchange(expiry);
        admin.declareQueue(work);
        admin.declareBinding(BindingBuilder.bind(work).to(expiry).with(Topology.EXPIRE_KEY));
    }

    @AfterEach
    void close() {
        connections.destroy();
    }

    @Test
    void autoPicksWhatTheBrokerOffersAndTheSharedConnectionSurvivesTheProbe() throws Exception {
        var transports = new DelayTransports(properties(DelayTransport.AUTO), connections);

        DelayTransport expected = BrokerVersion.isRabbitMq43OrLater(serverVersion())
                ? DelayTransport.QUORUM_DELAY
                : brokerHasThePlugin() ? DelayTransport.DELAYED_EXCHANGE : DelayTransport.DEAD_LETTER_TTL;
        assertThat(transports.active()).isEqualTo(expected);

        // Without the plugin the broker answered the probe with a connection error; only the probe's
        // connection may die.
        var admin = new RabbitAdmin(connections);
        String queue = admin.declareQueue().getName();
        assertThat(admin.getQueueInfo(queue)).isNotNull();
    }

    @Test
    void theBrokersVersionDecidesFromRabbitMq43OnAndARefusedDeclarationBeforeWhateverItsCode() {
        var answer = new DelayedExchangeProbe(connections).ask();
        String version = serverVersion();

        if (BrokerVersion.isRabbitMq43OrLater(version)) {
            assertThat(answer.parks()).isTrue();
            assertThat(answer.plugin()).isFalse();
            assertThat(answer.why()).as("nothing declared").contains("RabbitMQ " + version, "no plugin since 4.3");
        } else if (!answer.plugin()) {
            assertThat(answer.parks()).isFalse();
            // 3.10: 503 unknown exchange type, a connection error; 4.x: 406, a channel error
            assertThat(answer.why()).contains("refused the plugin's exchange");
        }
    }

    @Test
    void aReestablishedConnectionDecidesAgainAndTheInfoFollows() throws Exception {
        assumeThat(brokerHasThePlugin()).as("needs a broker without the plugin").isFalse();
        var transports = new DelayTransports(properties(DelayTransport.AUTO), connections);
        DelayTransport withoutPlugin = BrokerVersion.isRabbitMq43OrLater(serverVersion())
                ? DelayTransport.QUORUM_DELAY
                : DelayTransport.DEAD_LETTER_TTL;
        assertThat(transports.active()).isEqualTo(withoutPlugin);
        // as if the service had started while the broker still had the plugin
        transports.decided(DelayTransport.DELAYED_EXCHANGE);

        connections.resetConnection(); // the broker went away ...
        connections.createConnection().close(); // ... and is back, without the plugin

        await().atMost(Duration.ofSeconds(10)).until(() -> transports.chosen().orElseThrow() == withoutPlugin);
        var info = new org.springframework.boot.actuate.info.Info.Builder();
        new DelayTransportReport(transports).contribute(info);
        assertThat(info.build().getDetails().get("delayTransport").toString())
                .contains("active=" + withoutPlugin.label());
    }

    @Test
    void explicitDelayedExchangeUsesThePluginOrFailsNamingIt() throws Exception {
        var transports = new DelayTransports(properties(DelayTransport.DELAYED_EXCHANGE), connections);

        if (brokerHasThePlugin()) {
            assertThat(transports.active()).isEqualTo(DelayTransport.DELAYED_EXCHANGE);
        } else {
            assertThatThrownBy(transports::active).hasMessageContaining("rabbitmq_delayed_message_exchange");
        }
    }

    @Test
    void explicitQuorumDelayParksOnRabbitMq43OrFailsNamingTheVersionItNeeds() {
        var transports = new DelayTransports(properties(DelayTransport.QUORUM_DELAY), connections);

        if (BrokerVersion.isRabbitMq43OrLater(serverVersion())) {
            assertThat(transports.active()).isEqualTo(DelayTransport.QUORUM_DELAY);
        } else {
            assertThatThrownBy(transports::active).hasMessageContaining("RabbitMQ 4.3+");
        }
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
            new DelayTransportReport(transports).contribute(info);
            assertThat(info.build().getDetails().toString()).contains("undecided");
        } finally {
            unreachable.destroy();
        }
    }

    /**
     * Whether the broker knows the plugin's exchange type, asked on a connection of its own: declaring
     * an exchange of an unknown type is a connection error, so it must not be the shared one.
     */
    static boolean brokerHasThePlugin() throws Exception {
        var probe = connections();
        try (Connection connection = probe.getRabbitConnectionFactory().newConnection("delay-transports-it")) {
            Channel channel = connection.createChannel();
            String name = "delay-transports-it-" + UUID.randomUUID();
            channel.exchangeDeclare(name, "x-delayed-message", false, true, Map.of("x-delayed-type", "direct"));
            channel.exchangeDelete(name);
            return true;
        } catch (IOException | ShutdownSignalException e) {
            return false;
        } finally {
            probe.destroy();
        }
    }

    private String serverVersion() {
        try (var connection = connections.createConnection()) {
            return String.valueOf(connection.getDelegate().getServerProperties().get("version"));
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
        factory.setPort(Integer.parseInt(System.getenv().getOrDefault("IT_RABBITMQ_PORT", "5672")));
        factory.setVirtualHost(System.getenv().getOrDefault("IT_RABBITMQ_VIRTUAL_HOST", "orders-test"));
        factory.setUsername("guest");
        factory.setPassword("guest");
        return factory;
    }
}
