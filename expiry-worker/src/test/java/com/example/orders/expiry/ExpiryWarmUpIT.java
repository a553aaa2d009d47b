package com.example.orders.expiry;

import static com.example.orders.expiry.ItDatabase.order;
import static com.example.orders.expiry.ItDatabase.product;
import static com.example.orders.expiry.ItDatabase.reset;
import static com.example.orders.expiry.ItDatabase.single;
import static com.example.orders.expiry.ItDatabase.status;
import static com.example.orders.expiry.ItDatabase.stock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.example.orders.contracts.Topology;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.RabbitListenerEndpointRegistry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Against the real database and broker: the worker's warm-up runs the expiry code on orders that do
 * not exist and leaves every real order, its stock and the queues as they were, a due one included.
 *
 * <p>The 0-9-1 consumer (its container is stopped and started here) on every broker.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class ExpiryWarmUpIT {

    @Autowired
    ExpiryWarmUp warmUp;

    @Autowired
    RabbitListenerEndpointRegistry listeners;

    @Autowired
    RabbitTemplate rabbit;

    @DynamicPropertySource
    static void itStack(DynamicPropertyRegistry registry) {
        ItDatabase.register(registry);
        registry.add("orders.delay-transport", () -> "dead-letter-ttl");
        registry.add("expiry.sweep-interval", () -> "1h");
        registry.add("expiry.warm-up-batches", () -> 20);
    }

    @BeforeAll
    static void emptyStack() throws Exception {
        reset();
    }

    @Test
    void theWarmUpLeavesADueUnpaidOrderItsStockTheOutboxAndTheDeadLetterQueueAlone() throws Exception {
        product("warm-up-it-mug", 10);
        String due = order("warm-up-it-mug", 3, "PENDING", -5);

        String outboxBefore = single("SELECT COUNT(*) FROM outbox");

        assertThat(warmUp.run()).as("warmed up").isTrue();

        assertThat(status(due)).as("a real due order, left to its own message").isEqualTo("PENDING");
        assertThat(stock("warm-up-it-mug")).isEqualTo(7);
        assertThat(single("SELECT COUNT(*) FROM outbox")).as("messages written").isEqualTo(outboxBefore);
        try (var broker = ItDatabase.broker();
                var channel = broker.createChannel()) {
            assertThat(channel.messageCount(Topology.DEAD_LETTER_QUEUE))
                    .as("warm-up orders dead-lettered")
                    .isZero();
        }
    }

    @Test
    void aWorkerThatStartsWithDueMessagesWaitingSkipsItsWarmUpAndExpiresThem() throws Exception {
        product("warm-up-it-cup", 10);
        String due = order("warm-up-it-cup", 2, "PENDING", -5);
        listeners.getListenerContainers().forEach(container -> container.stop());
        try {
            rabbit.send("", Topology.EXPIRY_QUEUE, new Message(ItDatabase.orderCreated(due)));
            await().untilAsserted(() -> {
                try (var broker = ItDatabase.broker();
                        var channel = broker.createChannel()) {
                    assertThat(channel.messageCount(Topology.EXPIRY_QUEUE)).isPositive();
                }
            });
            assertThat(warmUp.run()).as("warmed up with a due message waiting").isFalse();
        } finally {
            listeners.getListenerContainers().forEach(container -> container.start());
        }
        await().untilAsserted(() -> assertThat(status(due)).isEqualTo("EXPIRED"));
        assertThat(stock("warm-up-it-cup")).isEqualTo(10);
    }
}
