package com.example.orders.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.orders.contracts.DelayCascade;
import com.example.orders.contracts.DelayTransport;
import com.example.orders.contracts.Headers;
import com.example.orders.contracts.Topology;
import com.example.orders.delay.CascadeTransport;
import com.example.orders.delay.ParkedTransport;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.MessageDeliveryMode;

/**
 * Where each outbox row goes, and how it waits, under each delay transport (the transports' own
 * choices in detail: delay-transport's CascadeTransportTest and PluginTransportTest).
 */
class OutboxPublisherTest {

    /** Stock RabbitMQ with the configured payment window, 15 minutes, and its one-hop queue. */
    private static final CascadeTransport CASCADE = CascadeTransport.withWindow(900_000);

    private static final long NOW = 1_796_644_000_000L;

    private static OutboxPublisher.Routed route(OutboxMessage row, DelayTransport transport) {
        return OutboxPublisher.route(row, transport, CASCADE, NOW);
    }

    private static OutboxMessage expiry(long delayMillis) {
        return new OutboxMessage(
                1, "event-1", "OrderCreated", "expiry", Topology.EXPIRE_KEY, "{\"orderId\":\"o-1\"}", delayMillis);
    }

    @Test
    void withThePluginTheMessageWaitsInTheDelayedExchangeForTheTimeLeft() {
        OutboxPublisher.Routed routed = route(expiry(900_000), DelayTransport.DELAYED_EXCHANGE);

        assertThat(routed.exchange()).isEqualTo(Topology.DELAYED_EXCHANGE);
        assertThat(routed.routingKey()).isEqualTo(Topology.EXPIRE_KEY);
        assertThat(routed.message().getMessageProperties().<Object>getHeader(Headers.DELAY))
                .isEqualTo(900_000L);
        assertThat(routed.message().getMessageProperties().getExpiration()).isNull();
        // the plugin's exchange routes only once the delay is over: mandatory would return every message
        assertThat(routed.mandatory()).isFalse();
    }

    @Test
    void onRabbitMq43TheMessageGoesStraightToTheWorkQueueCarryingWhenItIsDue() {
        OutboxPublisher.Routed routed = route(expiry(900_000), DelayTransport.QUORUM_DELAY);

        assertThat(routed.exchange()).isEqualTo(Topology.EXPIRY_EXCHANGE);
        assertThat(routed.routingKey()).isEqualTo(Topology.EXPIRE_KEY);
        assertThat(routed.mandatory()).isTrue();
        assertThat(routed.via()).isEqualTo("parked");
        assertThat(routed.message().getMessageProperties().<Object>getHeader(ParkedTransport.DELIVERY_TIME))
                .isEqualTo(NOW + 900_000);
    }

    @Test
    void withStockRabbitMqTheMessageEntersTheDelayCascadeMandatoryWithItsDelayInTheRoutingKey() {
        OutboxPublisher.Routed routed = route(expiry(1_800_000), DelayTransport.DEAD_LETTER_TTL);

        DelayCascade.Route expected = DelayCascade.route(1_800_000, DelayCascade.EXPIRY_DESTINATION);
        assertThat(routed.exchange()).isEqualTo(expected.exchange()).isEqualTo("orders.delay.level-14");
        assertThat(routed.routingKey()).isEqualTo(expected.routingKey());
        assertThat(routed.mandatory()).isTrue();
        // one TTL per queue: the message itself carries none
        assertThat(routed.message().getMessageProperties().getExpiration()).isNull();
        assertThat(routed.message().getMessageProperties().<Object>getHeader(Headers.DELAY))
                .isNull();
    }

    @Test
    void aMessageAlreadyDueGoesStraightToTheWorkQueueWhateverTheTransport() {
        for (DelayTransport transport : new DelayTransport[] {
            DelayTransport.QUORUM_DELAY, DelayTransport.DELAYED_EXCHANGE, DelayTransport.DEAD_LETTER_TTL
        }) {
            OutboxPublisher.Routed routed = route(expiry(0), transport);
            assertThat(routed.exchange()).isEqualTo(Topology.EXPIRY_EXCHANGE);
            assertThat(routed.routingKey()).isEqualTo(Topology.EXPIRE_KEY);
            assertThat(routed.mandatory()).isTrue();
        }
    }

    @Test
    void everyMessageIsPersistentJsonNamedByItsEventId() {
        OutboxPublisher.Routed routed = route(expiry(10), DelayTransport.DEAD_LETTER_TTL);

        var properties = routed.message().getMessageProperties();
        assertThat(properties.getDeliveryMode()).isEqualTo(MessageDeliveryMode.PERSISTENT);
        assertThat(properties.getContentType()).isEqualTo("application/json");
        assertThat(properties.getMessageId()).isEqualTo("event-1");
        assertThat(properties.<Object>getHeader(Headers.EVENT_TYPE)).isEqualTo("OrderCreated");
        assertThat(new String(routed.message().getBody(), StandardCharsets.UTF_8))
                .contains("o-1");
    }

    @Test
    void domainEventsGoToTheEventsExchangeUndelayed() {
        var event = new OutboxMessage(2, "event-2", "OrderExpired", "events", Topology.ORDER_EXPIRED_KEY, "{}", 0);

        OutboxPublisher.Routed routed = route(event, DelayTransport.DELAYED_EXCHANGE);

        assertThat(routed.exchange()).isEqualTo(Topology.EVENTS_EXCHANGE);
        assertThat(routed.routingKey()).isEqualTo(Topology.ORDER_EXPIRED_KEY);
        assertThat(routed.mandatory())
                .as("nobody need subscribe to domain events")
                .isFalse();
        assertThat(routed.message().getMessageProperties().<Object>getHeader(Headers.DELAY))
                .isNull();
    }

    @Test
    void withStockRabbitMqTheConfiguredWindowWaitsInTheWindowQueueMandatory() {
        OutboxPublisher.Routed routed = route(expiry(899_950), DelayTransport.DEAD_LETTER_TTL);

        assertThat(routed.exchange()).isEqualTo("orders.delay.window-900000ms");
        assertThat(routed.routingKey()).isEqualTo(Topology.EXPIRE_KEY);
        assertThat(routed.mandatory()).isTrue();
        assertThat(routed.via()).as("counted in orders_outbox_delayed_total").isEqualTo("window");
        assertThat(routed.message().getMessageProperties().getExpiration()).isNull();
    }

    @Test
    void withThePluginTheWindowQueueIsNotUsed() {
        assertThat(route(expiry(900_000), DelayTransport.DELAYED_EXCHANGE).exchange())
                .isEqualTo(Topology.DELAYED_EXCHANGE);
    }
}
