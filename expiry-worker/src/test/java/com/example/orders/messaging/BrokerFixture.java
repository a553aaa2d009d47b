package com.example.orders.messaging;

import com.example.orders.contracts.DelayCascade;
import com.example.orders.contracts.Topology;
import com.example.orders.delay.CascadeTransport;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.Declarable;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.Exchange;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/** The tests' own hands on the real broker (vhost of IT_RABBITMQ_VIRTUAL_HOST), as the worker connects. */
final class BrokerFixture implements AutoCloseable {

    final CachingConnectionFactory connections =
            new CachingConnectionFactory(System.getenv().getOrDefault("IT_RABBITMQ_HOST", "127.0.0.1"));
    final RabbitAdmin admin;
    final RabbitTemplate rabbit;

    BrokerFixture() {
        connections.setPort(Integer.parseInt(System.getenv().getOrDefault("IT_RABBITMQ_PORT", "5672")));
        connections.setVirtualHost(System.getenv().getOrDefault("IT_RABBITMQ_VIRTUAL_HOST", "orders-test"));
        connections.setUsername("guest");
        connections.setPassword("guest");
        connections.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
        connections.setPublisherReturns(true);
        admin = new RabbitAdmin(connections);
        rabbit = new RabbitTemplate(connections);
    }

    /** Declares what the worker declares at start, as RabbitAdmin does with its Declarables bean. */
    void declareWorkerTopology() {
        declare(new WorkerTopology().workerDeclarables(CascadeTransport.cascadeOnly()));
    }

    void declare(Declarables declarables) {
        for (Declarable d : declarables.getDeclarables()) {
            if (d instanceof Exchange e) {
                admin.declareExchange(e);
            } else if (d instanceof Queue q) {
                admin.declareQueue(q);
            }
        }
        declarables.getDeclarablesByType(Binding.class).forEach(admin::declareBinding);
    }

    /** Empties the work queue and every level of the cascade (long delays of earlier tests). */
    void purgeAll() {
        List<String> queues = new ArrayList<>(List.of(Topology.EXPIRY_QUEUE, Topology.DEAD_LETTER_QUEUE));
        for (int n = 0; n < DelayCascade.LEVELS; n++) {
            queues.add(DelayCascade.level(n));
        }
        queues.forEach(q -> admin.purgeQueue(q, false));
    }

    /** The messages that have reached the work queue so far, taken from it. */
    List<String> takeDue() {
        List<String> due = new ArrayList<>();
        Message message;
        while ((message = rabbit.receive(Topology.EXPIRY_QUEUE)) != null) {
            due.add(new String(message.getBody(), StandardCharsets.UTF_8));
        }
        return due;
    }

    Message takeOne() {
        return rabbit.receive(Topology.EXPIRY_QUEUE);
    }

    static Message message(String body) {
        return MessageBuilder.withBody(body.getBytes(StandardCharsets.UTF_8))
                .setContentType("application/json")
                .setMessageId(body)
                .build();
    }

    @Override
    public void close() {
        connections.destroy();
    }
}
