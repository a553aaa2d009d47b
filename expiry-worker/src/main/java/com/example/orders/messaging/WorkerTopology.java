package com.example.orders.messaging;

import static com.example.orders.contracts.Topology.*;

import com.example.orders.ExpiryProperties;
import com.example.orders.contracts.DelayCascade;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarable;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.DirectExchange;
import org.springframework.amqp.core.ExchangeBuilder;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.config.SimpleRabbitListenerContainerFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What expiry-worker consumes and republishes into: the work queue, the delay cascade (retries and
 * early messages wait there, see {@link DelayCascade}) and the dead-letter queue. order-service
 * declares the same cascade and work queue from the same contracts, because it publishes into them
 * too: whichever starts first, nothing is unroutable. The old per-message-TTL queues (orders.expiry.wait,
 * .retry) are no longer declared; where an earlier version left them, they keep dead-lettering what
 * they hold to the work queue until empty. The consumer policy is set once here: manual
 * acknowledgement, given only after the transaction has committed.
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
        Queue dead = QueueBuilder.durable(DEAD_LETTER_QUEUE)
                .withArguments(deadLetterQueueArguments())
                .build();
        List<Declarable> declarables = new ArrayList<>(List.of(
                expiry,
                work,
                dead,
                BindingBuilder.bind(work).to(expiry).with(EXPIRE_KEY),
                BindingBuilder.bind(dead).to(expiry).with(DEAD_KEY)));
        declarables.addAll(cascade());
        return new Declarables(declarables);
    }

    /** Every exchange, queue and binding of {@link DelayCascade}, as order-service declares them too. */
    static List<Declarable> cascade() {
        List<Declarable> cascade = new ArrayList<>();
        DelayCascade.exchanges().forEach(name -> cascade.add(new TopicExchange(name)));
        DelayCascade.levelQueues().forEach(name -> cascade.add(new Queue(name, true, false, false, arguments(name))));
        DelayCascade.links()
                .forEach(l -> cascade.add(new Binding(l.destination(), type(l), l.source(), l.key(), null)));
        return cascade;
    }

    private static Map<String, Object> arguments(String level) {
        return DelayCascade.queueArguments(DelayCascade.levelOf(level));
    }

    private static Binding.DestinationType type(DelayCascade.Link link) {
        return link.toQueue() ? Binding.DestinationType.QUEUE : Binding.DestinationType.EXCHANGE;
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
