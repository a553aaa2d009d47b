package com.example.orders.expiry;

import com.example.orders.contracts.Topology;
import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.stereotype.Component;

/**
 * Thin: hands each batch of ready messages (up to {@code expiry.batch-size}) to
 * {@link BatchExpiryHandler} and acknowledges them only once it has committed, republished or
 * dead-lettered them. A message it could not finish (the broker went away mid-way) is requeued; the
 * transaction is idempotent, so a second delivery is harmless.
 */
@Component
class ExpiryListener {

    static final String ID = "expiry";

    private static final Logger log = LoggerFactory.getLogger(ExpiryListener.class);

    private final BatchExpiryHandler handler;

    ExpiryListener(BatchExpiryHandler handler) {
        this.handler = handler;
    }

    @RabbitListener(id = ID, queues = Topology.EXPIRY_QUEUE, containerFactory = "expiryContainerFactory")
    void onMessages(List<Message> messages, Channel channel) throws IOException {
        List<Message> failed;
        try {
            failed = handler.handle(messages);
        } catch (RuntimeException e) {
            log.warn("Expiry batch of {} not handled, requeued: {}", messages.size(), e.toString());
            failed = messages;
        }
        acknowledge(messages, failed, channel);
    }

    /**
     * One ack for the whole batch when every member is done: the consumer handles one batch at a
     * time, so the deliveries up to the last tag are exactly this batch's.
     */
    private static void acknowledge(List<Message> messages, List<Message> failed, Channel channel) throws IOException {
        if (failed.isEmpty()) {
            channel.basicAck(tag(messages.get(messages.size() - 1)), true);
            return;
        }
        log.warn("{} of {} expiry messages not handled, requeued", failed.size(), messages.size());
        Set<Long> requeue = new HashSet<>();
        failed.forEach(m -> requeue.add(tag(m)));
        for (Message message : messages) {
            if (requeue.contains(tag(message))) {
                channel.basicNack(tag(message), false, true);
            } else {
                channel.basicAck(tag(message), false);
            }
        }
    }

    private static long tag(Message message) {
        return message.getMessageProperties().getDeliveryTag();
    }
}
