package com.example.orders.messaging;

import static com.example.orders.contracts.Topology.*;

import com.example.orders.OrdersProperties;
import com.example.orders.contracts.DelayCascade;
import com.example.orders.contracts.DelayWindow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * The plugin's exchange is declared by {@link DelayedExchangeProbe} only when the broker has the plugin.
 * The configured payment window's queue ({@link DelayWindow}: one hop for the usual order without the
 * plugin) is order-service's alone: nobody else publishes into it.
 *
 * <p>The old per-message-TTL queues (orders.expiry.wait, .retry) are no longer declared: where an
 * earlier version left them, they stay as they are, bound and dead-lettering to the work queue, until
 * they are empty.
 */
@Configuration(proxyBeanMethods = false)
class OrderServiceTopology {

    @Bean
    Declarables orderServiceDeclarables(OrdersProperties properties) {
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
        DelayWindow.of(properties.paymentTimeout().toMillis()).ifPresent(w -> declarables.addAll(window(w)));
        return new Declarables(declarables);
    }

    /** The window's direct exchange and its queue, of the same name, bound with the window's key. */
    static List<Declarable> window(DelayWindow window) {
        DirectExchange exchange = new DirectExchange(window.name());
        Queue queue = new Queue(window.name(), true, false, false, window.queueArguments());
        return List.of(exchange, queue, BindingBuilder.bind(queue).to(exchange).with(window.routingKey()));
    }

    /** Every exchange, queue and binding of {@link DelayCascade}, as Spring AMQP declares them. */
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
}
