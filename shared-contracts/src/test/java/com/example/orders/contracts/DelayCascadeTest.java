package com.example.orders.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The routing key of a delay, walked through the cascade's bindings as a topic exchange matches them. */
class DelayCascadeTest {

    @Test
    void aFifteenMinuteDelayWaitsInFiveQueuesWhoseTtlsAddUpToIt() {
        DelayCascade.Route route = DelayCascade.route(900_000, DelayCascade.EXPIRY_DESTINATION);

        // 9000 units = 2^13 + 2^9 + 2^8 + 2^5 + 2^3
        assertThat(route.exchange()).isEqualTo("orders.delay.level-13");
        assertThat(walk(route)).containsExactly(13, 9, 8, 5, 3);
        assertThat(route.delayedMillis()).isEqualTo(900_000);
    }

    @Test
    void everyDelayWaitsExactlyItsLengthRoundedUpToTheUnitAndEndsInTheWorkQueue() {
        Random random = new Random(8);
        for (int i = 0; i < 2_000; i++) {
            long delay = 1 + (long) (random.nextDouble() * DelayCascade.MAX_DELAY_MILLIS);
            DelayCascade.Route route = DelayCascade.route(delay, DelayCascade.EXPIRY_DESTINATION);
            long waited =
                    walk(route).stream().mapToLong(DelayCascade::ttlMillis).sum();
            assertThat(waited).isEqualTo(route.delayedMillis()).isBetween(delay, delay + DelayCascade.UNIT_MILLIS - 1);
        }
    }

    @Test
    void noDelayGoesStraightToTheDeliveryExchange() {
        DelayCascade.Route route = DelayCascade.route(0, DelayCascade.EXPIRY_DESTINATION);

        assertThat(route.exchange()).isEqualTo(DelayCascade.DELIVERY_EXCHANGE);
        assertThat(walk(route)).isEmpty();
    }

    @Test
    void aDelayBeyondTheCascadeIsCutToItsLongestAndArrivesEarly() {
        DelayCascade.Route route = DelayCascade.route(DelayCascade.MAX_DELAY_MILLIS * 3, "expire");

        assertThat(route.delayedMillis()).isEqualTo(DelayCascade.MAX_DELAY_MILLIS);
        assertThat(walk(route)).hasSize(DelayCascade.LEVELS);
    }

    @Test
    void levelQueuesHaveOneTtlAndDeadLetterToTheLevelBelowKeepingTheKey() {
        assertThat(DelayCascade.queueArguments(0))
                .containsEntry("x-message-ttl", 100L)
                .containsEntry("x-dead-letter-exchange", DelayCascade.DELIVERY_EXCHANGE)
                .containsEntry("x-queue-type", "quorum")
                .containsEntry("x-dead-letter-strategy", "at-least-once")
                .containsEntry("x-overflow", "reject-publish")
                .doesNotContainKey("x-dead-letter-routing-key");
        assertThat(DelayCascade.queueArguments(19))
                .containsEntry("x-message-ttl", 52_428_800L)
                .containsEntry("x-dead-letter-exchange", "orders.delay.level-18");
    }

    /**
     * Follows a message from its entry exchange as the broker would: through exchange-to-exchange
     * links without waiting, into a level queue (recorded) and from it, when its TTL is up, to the
     * exchange it dead-letters to; until it reaches the work queue. Returns the levels it waited in.
     */
    private static List<Integer> walk(DelayCascade.Route route) {
        List<Integer> waited = new ArrayList<>();
        String exchange = route.exchange();
        for (int hops = 0; hops < 200; hops++) {
            DelayCascade.Link link = only(exchange, route.routingKey());
            if (link.toQueue() && link.destination().equals(Topology.EXPIRY_QUEUE)) {
                return waited;
            }
            if (link.toQueue()) {
                int level = Integer.parseInt(
                        link.destination().substring(link.destination().length() - 2));
                waited.add(level);
                exchange = (String) DelayCascade.queueArguments(level).get("x-dead-letter-exchange");
            } else {
                exchange = link.destination();
            }
        }
        throw new AssertionError("no way out of the cascade for " + route);
    }

    private static DelayCascade.Link only(String exchange, String key) {
        List<DelayCascade.Link> matching = DelayCascade.links().stream()
                .filter(l -> l.source().equals(exchange) && topicMatches(l.key(), key))
                .toList();
        assertThat(matching).as("bindings of %s matching %s", exchange, key).hasSize(1);
        return matching.get(0);
    }

    private static boolean topicMatches(String pattern, String key) {
        return matches(pattern.split("\\."), 0, key.split("\\."), 0);
    }

    private static boolean matches(String[] p, int i, String[] k, int j) {
        if (i == p.length) {
            return j == k.length;
        }
        if (p[i].equals("#")) {
            for (int skip = j; skip <= k.length; skip++) {
                if (matches(p, i + 1, k, skip)) {
                    return true;
                }
            }
            return false;
        }
        return j < k.length && (p[i].equals("*") || p[i].equals(k[j])) && matches(p, i + 1, k, j + 1);
    }
}
