package com.example.orders.delay;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.orders.contracts.Headers;
import com.example.orders.contracts.Topology;
import org.junit.jupiter.api.Test;

/** Where the plugin transport sends a new message. */
class PluginTransportTest {

    @Test
    void aNewMessageWaitsInThePluginsExchangeForItsDelayNotMandatory() {
        Delayed delayed = PluginTransport.publish(900_000);

        assertThat(delayed.exchange()).isEqualTo(Topology.DELAYED_EXCHANGE);
        assertThat(delayed.routingKey()).isEqualTo(Topology.EXPIRE_KEY);
        assertThat(delayed.headers()).containsEntry(Headers.DELAY, 900_000L);
        // the plugin's exchange routes only once the delay is over: mandatory would return every message
        assertThat(delayed.mandatory()).isFalse();
        assertThat(delayed.via()).isEqualTo("plugin");
    }

    @Test
    void aMessageAlreadyDueGoesStraightToTheWorkQueueMandatory() {
        Delayed delayed = PluginTransport.publish(0);

        assertThat(delayed.exchange()).isEqualTo(Topology.EXPIRY_EXCHANGE);
        assertThat(delayed.headers()).isEmpty();
        assertThat(delayed.mandatory()).isTrue();
    }
}
