package com.example.orders.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.example.orders.contracts.DelayCascade;
import com.example.orders.contracts.RepublishReason;
import com.example.orders.delay.CascadeTransport;
import com.example.orders.expiry.TestProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.Message;

/**
 * Republished expiry messages against the real broker: each waits its own delay in the cascade,
 * whatever longer delays are waiting beside it, and a publish the broker cannot route is refused.
 */
class RepublisherIT {

    private final BrokerFixture broker = new BrokerFixture();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private Republisher republisher;

    @BeforeEach
    void declare() {
        broker.declareWorkerTopology();
        broker.purgeAll();
        republisher = new Republisher(broker.rabbit, CascadeTransport.cascadeOnly(), TestProperties.defaults(), meters);
    }

    @AfterEach
    void close() {
        broker.purgeAll();
        broker.close();
    }

    @Test
    void aOneSecondRetryIsNotHeldBehindAThirtySecondOne() {
        long sent = System.nanoTime();
        republisher.retryLater(BrokerFixture.message("thirty"), 30_000, 5, RepublishReason.LOCK_CONFLICT);
        republisher.retryLater(BrokerFixture.message("one"), 1_000, 1, RepublishReason.LOCK_CONFLICT);

        List<String> due = new ArrayList<>();
        await().atMost(Duration.ofSeconds(15)).until(() -> due.addAll(broker.takeDue()) && !due.isEmpty());

        assertThat(due).containsExactly("one");
        assertThat(Duration.ofNanos(System.nanoTime() - sent))
                .as("never before its delay")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(1))
                .isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void aMessageThatCameEarlyWaitsOnlyItsRemainingTimeNotBehindLongOnes() {
        for (int i = 0; i < 5; i++) {
            republisher.waitUntilDue(BrokerFixture.message("fifteen-minutes-" + i), 900_000);
            republisher.waitUntilDue(BrokerFixture.message("one-minute-" + i), 60_000);
        }
        republisher.waitUntilDue(BrokerFixture.message("short"), 1_500);

        List<String> due = new ArrayList<>();
        await().atMost(Duration.ofSeconds(15)).until(() -> due.addAll(broker.takeDue()) && !due.isEmpty());

        assertThat(due).containsExactly("short");
    }

    @Test
    void aMessageGoingThroughTheCascadeASecondTimeIsDeliveredAgainNotDroppedAsADeadLetterCycle() {
        republisher.retryLater(BrokerFixture.message("twice"), 700, 1, RepublishReason.LOCK_CONFLICT);
        Message first = await().atMost(Duration.ofSeconds(15)).until(broker::takeOne, m -> m != null);
        assertThat(first.getMessageProperties().getHeaders()).containsKey("x-death");

        republisher.retryLater(first, 700, 2, RepublishReason.LOCK_CONFLICT); // the same levels again

        Message second = await().atMost(Duration.ofSeconds(15)).until(broker::takeOne, m -> m != null);
        assertThat(second.getMessageProperties().<Object>getHeader("x-expiry-republish-count"))
                .isEqualTo(2);
    }

    @Test
    void aRepublishWhoseBindingWasDeletedIsRefusedAndCounted() {
        // 3 s = 30 units = 11110b: enters at level 4, whose bit is 1
        Binding levelFour = new Binding(
                DelayCascade.level(4),
                Binding.DestinationType.QUEUE,
                DelayCascade.level(4),
                DelayCascade.waitBindingKey(4),
                null);
        broker.admin.removeBinding(levelFour);
        try {
            assertThatThrownBy(() -> republisher.retryLater(
                            BrokerFixture.message("lost"), 3_000, 1, RepublishReason.LOCK_CONFLICT))
                    .isInstanceOf(AmqpException.class)
                    .hasMessageContaining("returned");
            assertThat(meters.counter("orders.expiry.republish.returned", "reason", "NO_ROUTE")
                            .count())
                    .isEqualTo(1);
        } finally {
            broker.admin.declareBinding(levelFour);
        }
        republisher.retryLater(BrokerFixture.message("routed"), 3_000, 1, RepublishReason.LOCK_CONFLICT);
        await().atMost(Duration.ofSeconds(15)).until(() -> broker.takeDue().contains("routed"));
    }
}
