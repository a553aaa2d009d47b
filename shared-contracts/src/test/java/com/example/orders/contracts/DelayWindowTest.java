package com.example.orders.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The configured payment window's one-hop queue: its name, its arguments and which delays it takes. */
class DelayWindowTest {

    private final DelayWindow fifteenMinutes = DelayWindow.of(900_000).orElseThrow();

    @Test
    void isNamedByItsWindowUnderTheDelayPrefixThatPermissionsAndTheStuckDeadLetterAlertCover() {
        assertThat(fifteenMinutes.name())
                .isEqualTo("orders.delay.window-900000ms")
                .matches("orders\\.delay\\..+"); // docker/prometheus/alerts.yml, docker/rabbitmq/definitions.json
        assertThat(DelayWindow.of(3_000).orElseThrow().name()).isNotEqualTo(fifteenMinutes.name());
    }

    @Test
    void takesTheWindowOrUpToOneUnitLessSoThatNothingIsEarlyOrMoreThanAUnitLate() {
        assertThat(fifteenMinutes.fits(900_000)).isTrue();
        assertThat(fifteenMinutes.fits(900_000 - DelayCascade.UNIT_MILLIS)).isTrue();
        assertThat(fifteenMinutes.fits(900_000 - DelayCascade.UNIT_MILLIS - 1)).isFalse();
        assertThat(fifteenMinutes.fits(900_001)).as("it would be early").isFalse();
        assertThat(fifteenMinutes.fits(0)).isFalse();
        assertThat(DelayWindow.of(50).orElseThrow().fits(0)).as("due already").isFalse();
    }

    @Test
    void waitsItsWindowAndDeadLettersAtLeastOnceToTheWorkQueue() {
        assertThat(fifteenMinutes.queueArguments())
                .containsEntry("x-queue-type", "quorum")
                .containsEntry("x-message-ttl", 900_000L)
                .containsEntry("x-dead-letter-exchange", Topology.EXPIRY_EXCHANGE)
                .containsEntry("x-dead-letter-routing-key", Topology.EXPIRE_KEY)
                .containsEntry("x-dead-letter-strategy", "at-least-once")
                .containsEntry("x-overflow", "reject-publish");
        assertThat(fifteenMinutes.routingKey()).isEqualTo(Topology.EXPIRE_KEY);
    }

    @Test
    void noWindowQueueOutsideWhatATtlCanHold() {
        assertThat(DelayWindow.of(0)).isEmpty();
        assertThat(DelayWindow.of(-1)).isEmpty();
        assertThat(DelayWindow.of(30L * 24 * 3600 * 1000)).isEmpty();
        assertThat(DelayWindow.of(24L * 3600 * 1000)).isPresent();
    }
}
