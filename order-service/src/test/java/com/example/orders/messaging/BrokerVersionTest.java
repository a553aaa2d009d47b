package com.example.orders.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.impl.LongStringHelper;
import org.junit.jupiter.api.Test;

/** Which broker versions cannot have the delayed-message plugin, without asking them to declare anything. */
class BrokerVersionTest {

    @Test
    void rabbitMq43AndLaterCannotHaveThePlugin() {
        for (String version : new String[] {"4.3.0", "4.3.6", "4.3.0-rc.1", "4.4.1", "4.10.0", "5.0.0"}) {
            assertThat(BrokerVersion.cannotHaveThePlugin(version)).as(version).isTrue();
        }
    }

    @Test
    void olderBrokersMayHaveItAndAreAsked() {
        for (String version : new String[] {"3.10.8", "3.13.7", "4.0.5", "4.2.7", "4.2.0+beta.1", "3.99.0"}) {
            assertThat(BrokerVersion.cannotHaveThePlugin(version)).as(version).isFalse();
        }
    }

    @Test
    void anUnreadableVersionIsAskedToo() {
        for (String version : new String[] {"", "unknown", "v4.3.6", "4", "99999999999.1"}) {
            assertThat(BrokerVersion.cannotHaveThePlugin(version)).as(version).isFalse();
        }
        assertThat(BrokerVersion.cannotHaveThePlugin(null)).isFalse();
    }

    @Test
    void readsTheServerPropertyAsTheClientHandsItOver() {
        // the client gives server properties as AMQP long strings, not java.lang.String
        assertThat(BrokerVersion.cannotHaveThePlugin(LongStringHelper.asLongString("4.3.6")))
                .isTrue();
        assertThat(BrokerVersion.cannotHaveThePlugin(LongStringHelper.asLongString("3.10.8")))
                .isFalse();
    }
}
