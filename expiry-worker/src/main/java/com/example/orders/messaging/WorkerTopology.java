package com.example.orders.messaging;

import static com.example.orders.contracts.Topology.*;

import com.example.orders.ExpiryProperties;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.BindingBuilder;
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
 * What expiry-worker consumes and republishes into: the work queue, the retry queue (short TTL
 * delays that dead-letter back to the work queue) and the dead-letter queue. The consumer policy is
 * set once here: manual acknowledgement, given only after the transaction has committed.
 */
@Configuration(proxyBeanMethods = false)
class WorkerTopology {

    @Bean
    Declarables workerDeclarables() {
        DirectExchange expiry =
                ExchangeBuilder.directExchange(EXPIRY_EXCHANGE).durable(true).build();
        Queue work = QueueBuilder.durable(EXPIRY_QUEUE)
                .withArguments(expiryQueueArguments())
                .build();
        Queue wait = QueueBuilder.durable(WAIT_QUEUE)
                .withArguments(delayQueueArguments())
                .build();
        Queue retry = QueueBuilder.durable(RETRY_QUEUE)
                .withArguments(delayQueueArguments())
                .build();
        Queue dead = QueueBuilder.durable(DEAD_LETTER_QUEUE)
                .withArguments(deadLetterQueueArguments())
                .build();
        return new Declarables(
                expiry,
                work,
                wait,
                retry,
                dead,
                BindingBuilder.bind(work).to(expiry).with(EXPIRE_KEY),
                BindingBuilder.bind(wait).to(expiry).with(WAIT_KEY),
                BindingBuilder.bind(retry).to(expiry).with(RETRY_KEY),
                BindingBuilder.bind(dead).to(expiry).with(DEAD_KEY));
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
        // batch closing as soon as no further message arrives within batch-wait.
        factory.setBatchListener(true);
        factory.setConsumerBatchEnabled(true);
        factory.setBatchSize(properties.batchSize());
        factory.setReceiveTimeout(properties.batchWait().toMillis());
        factory.setDefaultRequeueRejected(false);
        factory.setAutoStartup(false); // started by SchemaGate once order-service's schema is in place
        return factory;
    }
}
