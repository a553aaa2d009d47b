package com.example.orders.expiry;

import com.example.orders.contracts.Topology;
import java.util.List;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.QueueInformation;
import org.springframework.stereotype.Component;

/**
 * Whether due expiry messages are still waiting to be handled in the work queue. While they are (a
 * burst draining), an overdue PENDING order most likely has its message among them, and the sweep
 * leaves it to that message. The delay cascade is not asked: its level queues hold every order's
 * message until its deadline, so they are never empty under load and would stop the sweep for good;
 * a republished message waits there at most {@code expiry.max-retry-delay} (30 s), which the sweep's
 * grace and its two sightings mostly cover (a rescue after a long lock-conflict retry is the one
 * false alarm left, and the retry shows in {@code orders_expiry_republished_total}).
 */
@Component
class QueueBacklog {

    private static final List<String> QUEUES = List.of(Topology.EXPIRY_QUEUE);

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
