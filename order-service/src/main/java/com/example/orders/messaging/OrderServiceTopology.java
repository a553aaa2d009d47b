package com.example.orders.messaging;

import static com.example.orders.contracts.Topology.EVENTS_EXCHANGE;

import com.example.orders.OrdersProperties;
import com.example.orders.delay.CascadeTransport;
import java.util.ArrayList;
import java.util.List;
import org.springframework.amqp.core.Declarable;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.ExchangeBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What order-service publishes into: the events exchange, and the stock-RabbitMQ delay
 * ({@link CascadeTransport}: the work queue, the cascade and the configured payment window's queue),
 * declared here so that no message is dropped while expiry-worker has never run. The worker declares
 * the same work queue and cascade from the same class, because it publishes into it as well (retries,
 * early messages): whichever starts first, the cascade is there. The window queue is order-service's
 * alone. The plugin's exchange is declared by {@link DelayedExchangeProbe} only when the broker has
 * the plugin.
 *
 * <p>The old per-message-TTL queues (orders.expiry.wait, .retry) are no longer declared: where an
 * earlier version left them, they stay as they are, bound and dead-lettering to the work queue, until
 * they are empty.
 */
@Configuration(proxyBeanMethods = false)
class OrderServiceTopology {

    @Bean
    CascadeTransport cascadeTransport(OrdersProperties properties) {
        return CascadeTransport.withWindow(properties.paymentTimeout().toMillis());
    }

    @Bean
    Declarables orderServiceDeclarables(CascadeTransport cascade) {
        List<Declarable> declarables = new ArrayList<>(cascade.declarables());
        declarables.add(
                ExchangeBuilder.topicExchange(EVENTS_EXCHANGE).durable(true).build());
        return new Declarables(declarables);
    }
}
