package com.example.orders.messaging;

import static com.example.orders.contracts.Topology.*;

import com.example.orders.ExpiryProperties;
import com.example.orders.delay.CascadeTransport;
import java.util.ArrayList;
import java.util.List;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarable;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.DirectExchange;
import org.springframework.amqp.core.ExchangeBuilder;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.rabbit.config.SimpleRabbitListenerContainerFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What expiry-worker consumes and republishes into: the stock-RabbitMQ delay ({@link CascadeTransport}:
 * the work queue and the cascade, where retries and early messages wait) and the dead-letter queue.
 * order-service declares the same work queue and cascade from the same class, because it publishes
 * into them too: whichever starts first, nothing is unroutable. The old per-message-TTL queues
 * (orders.expiry.wait, .retry) are no longer declared; where an earlier version left them, they keep
 * dead-lettering what they hold to the work queue until empty. The consumer policy is set once here:
 * manual acknowledgement, given only after the transaction has committed.
 */
@Configuration(proxyBeanMethods = false)
class WorkerTopology {

    /** The worker only sends messages round again: through the cascade, never a window queue. */
    @Bean
    CascadeTransport cascadeTransport() {
        return CascadeTransport.cascadeOnly();
    }

    @Bean
    Declarables workerDeclarables(CascadeTransport cascade) {
        DirectExchange expiry =
                ExchangeBuilder.directExchange(EXPIRY_EXCHANGE).durable(true).build();
        Queue dead = QueueBuilder.durable(DEAD_LETTER_QUEUE)
                .withArguments(deadLetterQueueArguments())
                .build();
        List<Declarable> declarables = new ArrayList<>(cascade.declarables());
        declarables.addAll(List.of(dead, BindingBuilder.bind(dead).to(expiry).with(DEAD_KEY)));
        return new Declarables(declarables);
    }

    @Bean
    SimpleRabbitListenerContainerFactory expiryContainerFactory(
            ConnectionFactory connections, ExpiryProperties properties) {
        var factory = new SimpleRabbitListenerContainerFactory();
        factory.setConnectionFactory(connections);
        factory.setAcknowledgeMode(AcknowledgeMode.MANUAL);
        factory.setConcurrentConsumers(properties.consumers());
        factory.setMaxConcurrentConsumers(properties.consumers());
        factory.setPrefetchCount(Math.max(properties.prefetch(), properties.batchSize()));
        // Batches: up to batch-size ready messages per listener call (one expiry transaction), the
        // batch closing as soon as no further message arrives within batch-wait, and once it has been
        // gathering for batch-wait: without that bound a steady trickle (a message every few ms to each
        // consumer) kept a batch open until it held batch-size messages, seconds late.
        factory.setBatchListener(true);
        factory.setConsumerBatchEnabled(true);
        factory.setBatchSize(properties.batchSize());
        factory.setReceiveTimeout(properties.batchWait().toMillis());
        factory.setBatchReceiveTimeout(properties.batchWait().toMillis());
        factory.setDefaultRequeueRejected(false);
        factory.setAutoStartup(false); // started by SchemaGate once order-service's schema is in place
        return factory;
    }
}
