package com.example.orders.expiry;

import com.example.orders.contracts.Topology;
import java.util.List;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.QueueInformation;
import org.springframework.stereotype.Component;

/**
 * Whether expiry messages are still waiting to be handled: ready in the work queue, or waiting in the
 * retry queue for their next attempt. While they are, an overdue PENDING order most likely has its
 * message among them, and the sweep leaves it to that message.
 */
@Component
class QueueBacklog {

    private static final List<String> QUEUES = List.of(Topology.EXPIRY_QUEUE, Topology.RETRY_QUEUE);

    private final AmqpAdmin admin;

    QueueBacklog(AmqpAdmin admin) {
        this.admin = admin;
    }

    /**
     * Messages ready in those queues (a passive declare each). When the broker cannot be asked, 0:
     * messages that cannot reach the worker are as good as lost, and the sweep should take over.
     */
    long waiting() {
        long waiting = 0;
        for (String queue : QUEUES) {
            try {
                QueueInformation info = admin.getQueueInfo(queue);
                waiting += info == null ? 0 : info.getMessageCount();
            } catch (RuntimeException brokerAway) {
                return 0;
            }
        }
        return waiting;
    }
}
