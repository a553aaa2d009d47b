package com.example.orders.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.example.orders.contracts.DelayCascade;
import com.example.orders.contracts.DelayTransport;
import com.example.orders.contracts.Headers;
import com.example.orders.contracts.Topology;
import com.example.orders.delay.CascadeTransport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.rabbitmq.RabbitMQContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The delayed-message-exchange path end to end, on the compose stack's own broker image (RabbitMQ 4.2
 * with the plugin). Needs a Docker engine: skipped, and reported as skipped, where there is none.
 */
@Testcontainers(disabledWithoutDocker = true)
class PluginBrokerContainerIT {

    @Container
    static final RabbitMQContainer RABBIT =
            new RabbitMQContainer(DockerImageName.parse(new ImageFromDockerfile("order-expiry-rabbitmq-it", false)
                            .withFileFromPath(".", Path.of("..", "docker", "rabbitmq"))
                            .get())
                    .asCompatibleSubstituteFor("rabbitmq"));

    @Test
    void autoPicksThePluginAndTheMessageReachesTheWorkQueueOnlyAfterItsDelay() {
        // The image imports docker/rabbitmq/definitions.json at boot, which creates neither guest nor
        // vhost "/": connect as order-service does in the compose stack, with its own user and vhost.
        var connections = new CachingConnectionFactory(RABBIT.getHost(), RABBIT.getAmqpPort());
        connections.setUsername("order-service");
        connections.setPassword("order-service-dev");
        connections.setVirtualHost("orders");
        var admin = new RabbitAdmin(connections);
        DelayTransportsIT.declareWorkQueue(admin);

        var transports = new DelayTransports(DelayTransportsIT.properties(DelayTransport.AUTO), connections);
        assertThat(transports.active()).isEqualTo(DelayTransport.DELAYED_EXCHANGE);

        Message message = MessageBuilder.withBody("{}".getBytes(StandardCharsets.UTF_8))
                .setHeader(Headers.DELAY, 2_000L)
                .build();
        Instant sent = Instant.now();
        new RabbitTemplate(connections).send(Topology.DELAYED_EXCHANGE, Topology.EXPIRE_KEY, message);

        await().atMost(Duration.ofSeconds(15))
                .until(() -> admin.getQueueInfo(Topology.EXPIRY_QUEUE).getMessageCount() == 1);
        assertThat(Duration.between(sent, Instant.now())).isGreaterThanOrEqualTo(Duration.ofMillis(1_900));
        assertThat(admin.getQueueProperties(Topology.EXPIRY_QUEUE)).isNotNull();
        connections.destroy();
    }

    @Test
    void theDelayCascadeWorksBesideThePluginForTheWorkersRetries() {
        var connections = new CachingConnectionFactory(RABBIT.getHost(), RABBIT.getAmqpPort());
        connections.setUsername("order-service");
        connections.setPassword("order-service-dev");
        connections.setVirtualHost("orders");
        var admin = new RabbitAdmin(connections);
        Queue work = QueueBuilder.durable(Topology.EXPIRY_QUEUE)
                .withArguments(Topology.expiryQueueArguments())
                .build();
        admin.declareQueue(work);
        for (var declarable : CascadeTransport.cascadeOnly().declarables()) {
            if (declarable instanceof org.springframework.amqp.core.Exchange exchange) {
                admin.declareExchange(exchange);
            } else if (declarable instanceof Queue queue) {
                admin.declareQueue(queue);
            }
        }
        CascadeTransport.cascadeOnly().declarables().stream()
                .filter(org.springframework.amqp.core.Binding.class::isInstance)
                .map(org.springframework.amqp.core.Binding.class::cast)
                .forEach(admin::declareBinding);
        admin.purgeQueue(Topology.EXPIRY_QUEUE, false);

        DelayCascade.Route route = DelayCascade.route(1_500, DelayCascade.EXPIRY_DESTINATION);
        Instant sent = Instant.now();
        new RabbitTemplate(connections)
                .send(
                        route.exchange(),
                        route.routingKey(),
                        MessageBuilder.withBody("{}".getBytes(StandardCharsets.UTF_8))
                                .build());

        await().atMost(Duration.ofSeconds(15))
                .until(() -> admin.getQueueInfo(Topology.EXPIRY_QUEUE).getMessageCount() == 1);
        assertThat(Duration.between(sent, Instant.now())).isGreaterThanOrEqualTo(Duration.ofMillis(1_400));
        connections.destroy();
    }
}
