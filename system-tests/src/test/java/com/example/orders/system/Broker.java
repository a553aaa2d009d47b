package com.example.orders.system;

import com.example.orders.contracts.DelayCascade;
import com.example.orders.contracts.Topology;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The test's own hands on the broker: publish by hand, read the dead-letter queue, count messages. */
final class Broker implements AutoCloseable {

    private final Connection connection;
    private final Channel channel;

    Broker() {
        try {
            connection = factory().newConnection("system-tests");
            channel = connection.createChannel();
            channel.confirmSelect();
        } catch (Exception e) {
            throw new IllegalStateException("cannot reach RabbitMQ", e);
        }
    }

    /** Publishes a raw expiry message straight to the work queue, confirmed. */
    void publishExpiry(String body, Map<String, Object> headers) throws Exception {
        var properties = new AMQP.BasicProperties.Builder()
                .contentType("application/json")
                .deliveryMode(2)
                .messageId(UUID.randomUUID().toString())
                .headers(headers)
                .build();
        channel.basicPublish(
                Topology.EXPIRY_EXCHANGE, Topology.EXPIRE_KEY, properties, body.getBytes(StandardCharsets.UTF_8));
        channel.waitForConfirmsOrDie(5_000);
    }

    static String orderCreated(String orderId, java.time.Instant expiresAt) {
        return """
                {"schemaVersion":1,"eventId":"%s","occurredAt":"%s","orderId":"%s","customerId":"c","totalCents":1,"expiresAt":"%s"}
                """.formatted(UUID.randomUUID(), java.time.Instant.now(), orderId, expiresAt)
                .strip();
    }

    long messageCount(String queue) throws Exception {
        return channel.queueDeclarePassive(queue).getMessageCount();
    }

    void purge(String queue) throws Exception {
        channel.queuePurge(queue);
    }

    /** Deletes the binding of level {@code n}'s exchange to its queue, as an operator might by hand. */
    void unbindDelayLevel(int n) throws Exception {
        channel.queueUnbind(DelayCascade.level(n), DelayCascade.level(n), DelayCascade.waitBindingKey(n));
    }

    void bindDelayLevel(int n) throws Exception {
        channel.queueBind(DelayCascade.level(n), DelayCascade.level(n), DelayCascade.waitBindingKey(n));
    }

    /** Messages waiting for their delay, at every level of the cascade. */
    long delayedCount() throws Exception {
        long waiting = 0;
        for (String queue : DelayCascade.levelQueues()) {
            waiting += messageCount(queue);
        }
        return waiting;
    }

    /** Deletes every message waiting for its delay, at every level of the cascade. */
    void purgeDelayed() throws Exception {
        for (String queue : DelayCascade.levelQueues()) {
            channel.queuePurge(queue);
        }
    }

    record Dead(String body, Map<String, Object> headers) {

        String header(String name) {
            Object value = headers.get(name);
            return value == null ? null : value.toString();
        }
    }

    /** Takes every message out of the dead-letter queue. */
    List<Dead> drainDeadLetters() throws Exception {
        List<Dead> dead = new ArrayList<>();
        GetResponse response;
        while ((response = channel.basicGet(Topology.DEAD_LETTER_QUEUE, true)) != null) {
            Map<String, Object> headers = response.getProps().getHeaders() == null
                    ? Map.of()
                    : response.getProps().getHeaders();
            dead.add(new Dead(new String(response.getBody(), StandardCharsets.UTF_8), headers));
        }
        return dead;
    }

    /** A fresh queue bound to the events exchange, for watching OrderExpired. */
    String bindEventsQueue(String routingKey) throws Exception {
        String queue = channel.queueDeclare("", false, true, true, null).getQueue();
        channel.queueBind(queue, Topology.EVENTS_EXCHANGE, routingKey);
        return queue;
    }

    List<String> drain(String queue) throws Exception {
        List<String> bodies = new ArrayList<>();
        GetResponse response;
        while ((response = channel.basicGet(queue, true)) != null) {
            bodies.add(new String(response.getBody(), StandardCharsets.UTF_8));
        }
        return bodies;
    }

    /** Removes what earlier runs left in the test vhost, so each run starts from nothing. */
    static void deleteTopology() throws Exception {
        try (Connection connection = factory().newConnection("system-tests-reset")) {
            List<String> queues = new ArrayList<>(DelayCascade.levelQueues());
            queues.addAll(List.of(
                    Topology.EXPIRY_QUEUE, Topology.WAIT_QUEUE, Topology.RETRY_QUEUE, Topology.DEAD_LETTER_QUEUE));
            for (String queue : queues) {
                Channel channel = connection.createChannel();
                channel.queueDelete(queue);
                channel.close();
            }
        }
    }

    private static ConnectionFactory factory() {
        var factory = new ConnectionFactory();
        factory.setHost(SystemUnderTest.RABBIT_HOST);
        factory.setVirtualHost(SystemUnderTest.RABBIT_VHOST);
        factory.setUsername(System.getenv().getOrDefault("IT_RABBITMQ_USERNAME", "guest"));
        factory.setPassword(System.getenv().getOrDefault("IT_RABBITMQ_PASSWORD", "guest"));
        return factory;
    }

    @Override
    public void close() throws Exception {
        connection.close();
    }
}
