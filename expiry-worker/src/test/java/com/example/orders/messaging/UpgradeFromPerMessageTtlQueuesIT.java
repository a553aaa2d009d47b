package com.example.orders.messaging;

import static com.example.orders.contracts.Topology.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.DirectExchange;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;

/**
 * An upgrade from the version that delayed through orders.expiry.wait and orders.expiry.retry
 * (per-message TTLs): what is still waiting there when the new version starts is delivered.
 */
class UpgradeFromPerMessageTtlQueuesIT {

    private final BrokerFixture broker = new BrokerFixture();

    @AfterEach
    void close() {
        broker.admin.deleteQueue(WAIT_QUEUE);
        broker.admin.deleteQueue(RETRY_QUEUE);
        broker.purgeAll();
        broker.close();
    }

    @Test
    void messagesWaitingInTheOldQueuesAreDeliveredToTheWorkQueueAfterTheNewVersionStarts() {
        broker.admin.deleteQueue(WAIT_QUEUE);
        broker.admin.deleteQueue(RETRY_QUEUE);
        broker.declare(previousVersionTopology());
        broker.rabbit.send(EXPIRY_EXCHANGE, WAIT_KEY, withTtl("waiting-order", 4_000));
        broker.rabbit.send(EXPIRY_EXCHANGE, RETRY_KEY, withTtl("waiting-retry", 3_000));
        // A publish and a queue count travel on different channels: the broker orders them only per channel.
        await().atMost(Duration.ofSeconds(2))
                .untilAsserted(
                        () -> assertThat(broker.admin.getQueueInfo(WAIT_QUEUE).getMessageCount())
                                .isEqualTo(1));

        broker.declareWorkerTopology(); // the new version starts: declares its own topology

        List<String> due = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).until(() -> due.addAll(broker.takeDue()) && due.size() >= 2);
        assertThat(due).containsExactlyInAnyOrder("waiting-order", "waiting-retry");
        // The old queues are left exactly as they were (a redeclaration with other arguments would fail).
        assertThat(broker.admin.getQueueProperties(WAIT_QUEUE)).isNotNull();
        assertThat(broker.admin.getQueueInfo(WAIT_QUEUE).getMessageCount()).isZero();
        assertThat(broker.admin.getQueueInfo(RETRY_QUEUE).getMessageCount()).isZero();
    }

    /** What the version before the cascade declared (its WorkerTopology), with its queues' arguments. */
    private static Declarables previousVersionTopology() {
        DirectExchange expiry = new DirectExchange(EXPIRY_EXCHANGE);
        Queue work = QueueBuilder.durable(EXPIRY_QUEUE)
                .withArguments(expiryQueueArguments())
                .build();
        Queue wait = QueueBuilder.durable(WAIT_QUEUE)
                .withArguments(legacyDelayQueueArguments())
                .build();
        Queue retry = QueueBuilder.durable(RETRY_QUEUE)
                .withArguments(legacyDelayQueueArguments())
                .build();
        return new Declarables(
                expiry,
                work,
                wait,
                retry,
                BindingBuilder.bind(work).to(expiry).with(EXPIRE_KEY),
                BindingBuilder.bind(wait).to(expiry).with(WAIT_KEY),
                BindingBuilder.bind(retry).to(expiry).with(RETRY_KEY));
    }

    private static Message withTtl(String body, long ttlMillis) {
        Message message = BrokerFixture.message(body);
        message.getMessageProperties().setExpiration(Long.toString(ttlMillis));
        return message;
    }
}
