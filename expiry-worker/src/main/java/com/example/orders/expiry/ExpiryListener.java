package com.example.orders.expiry;

import com.example.orders.contracts.Topology;
import com.rabbitmq.client.Channel;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.stereotype.Component;

/**
 * Thin: hands each message to {@link ExpiryHandler} and acknowledges it only once the handler has
 * committed, republished or dead-lettered it. If that fails (the broker went away mid-way) the
 * message is requeued; the transaction is idempotent, so a second delivery is harmless.
 */
@Component
class ExpiryListener {

    static final String ID = "expiry";

    private static final Logger log = LoggerFactory.getLogger(ExpiryListener.class);

    private final ExpiryHandler handler;

    ExpiryListener(ExpiryHandler handler) {
        this.handler = handler;
    }

    @RabbitListener(id = ID, queues = Topology.EXPIRY_QUEUE, containerFactory = "expiryContainerFactory")
    void onMessage(Message message, Channel channel) throws IOException {
        long tag = message.getMessageProperties().getDeliveryTag();
        try {
            handler.handle(message);
        } catch (RuntimeException e) {
            log.warn("Expiry message not handled, requeued: {}", e.toString());
            channel.basicNack(tag, false, true);
            return;
        }
        channel.basicAck(tag, false);
    }
}
