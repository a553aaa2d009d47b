package com.example.orders.messaging;

import static com.example.orders.contracts.Topology.*;

import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.DirectExchange;
import org.springframework.amqp.core.ExchangeBuilder;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What order-service publishes into: the expiry exchange, the wait queue that holds messages until
 * their TTL (stock RabbitMQ), and the work queue they land in, declared here too so that no message
 * is dropped while expiry-worker has never run. The plugin's exchange is declared by
 * {@link DelayTransports} only when the broker has the plugin.
 */
@Configuration(proxyBeanMethods = false)
class OrderServiceTopology {

    @Bean
    Declarables orderServiceDeclarables() {
        DirectExchange expiry =
                ExchangeBuilder.directExchange(EXPIRY_EXCHANGE).durable(true).build();
        TopicExchange events =
                ExchangeBuilder.topicExchange(EVENTS_EXCHANGE).durable(true).build();
        Queue work = QueueBuilder.durable(EXPIRY_QUEUE)
                .withArguments(expiryQueueArguments())
                .build();
        Queue wait = QueueBuilder.durable(WAIT_QUEUE)
                .withArguments(delayQueueArguments())
                .build();
        return new Declarables(
                expiry,
                events,
                work,
                wait,
                BindingBuilder.bind(work).to(expiry).with(EXPIRE_KEY),
                BindingBuilder.bind(wait).to(expiry).with(WAIT_KEY));
    }
}
