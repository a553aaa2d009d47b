package com.example.orders.messaging;

import static com.example.orders.contracts.Topology.*;

import com.example.orders.contracts.DelayCascade;
import java.util.ArrayList;
import java.util.List;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarable;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.DirectExchange;
import org.springframework.amqp.core.ExchangeBuilder;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What order-service publishes into: the expiry exchange, the delay cascade (stock RabbitMQ) and the
 * work queue the cascade ends in, declared here too so that no message is dropped while expiry-worker
 * has never run. The worker declares the same cascade, from the same {@link DelayCascade}, because it
 * publishes into it as well (retries, early messages): whichever starts first, the cascade is there.
 * The plugin's exchange is declared by {@link DelayTransports} only when the broker has the plugin.
 *
 * <p>The old per-message-TTL queues (orders.expiry.wait, .retry) are no longer declared: where an
 * earlier version left them, they stay as they are, bound and dead-lettering to the work queue, until
 * they are empty.
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
        List<Declarable> declarables = new ArrayList<>(List.of(
                expiry, events, work, BindingBuilder.bind(work).to(expiry).with(EXPIRE_KEY)));
        declarables.addAll(cascade());
        return new Declarables(declarables);
    }

    /** Every exchange, queue and binding of {@link DelayCascade}, as Spring AMQP declares them. */
    static List<Declarable> cascade() {
        List<Declarable> cascade = new ArrayList<>();
        cascade.add(ExchangeBuilder.topicExchange(DelayCascade.DELIVERY_EXCHANGE)
                .durable(true)
                .build());
        for (int n = 0; n < DelayCascade.LEVELS; n++) {
            cascade.add(ExchangeBuilder.topicExchange(DelayCascade.level(n))
                    .durable(true)
                    .build());
            cascade.add(QueueBuilder.durable(DelayCascade.level(n))
                    .withArguments(DelayCascade.queueArguments(n))
                    .build());
        }
        for (DelayCascade.Link link : DelayCascade.links()) {
            cascade.add(new Binding(
                    link.destination(),
                    link.toQueue() ? Binding.DestinationType.QUEUE : Binding.DestinationType.EXCHANGE,
                    link.source(),
                    link.key(),
                    null));
        }
        return cascade;
    }
}
