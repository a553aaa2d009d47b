package com.example.orders.delay;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.impl.LongStringHelper;
import org.junit.jupiter.api.Test;

/** Which broker versions park messages and cannot have the delayed-message plugin, without asking them to declare anything. */
class BrokerVersionTest {

    @Test
    void rabbitMq43AndLaterParkMessagesAndCannotHaveThePlugin() {
        for (String version : new String[] {"4.3.0", "4.3.6", "4.3.0-rc.1", "4.4.1", "4.10.0", "5.0.0"}) {
            assertThat(BrokerVersion.isRabbitMq43OrLater(version)).as(version).isTrue();
        }
    }

    @Test
    void olderBrokersMayHaveItAndAreAsked() {
        for (String version : new String[] {"3.10.8", "3.13.7", "4.0.5", "4.2.7", "4.2.0+beta.1", "3.99.0"}) {
            assertThat(BrokerVersion.isRabbitMq43OrLater(version)).as(version).isFalse();
        }
    }

    @Test
    void anUnreadableVersionIsAskedToo() {
        for (String version : new String[] {"", "unknown", "v4.3.6", "4", "99999999999.1"}) {
            assertThat(BrokerVersion.isRabbitMq43OrLater(version)).as(version).isFalse();
        }
        assertThat(BrokerVersion.isRabbitMq43OrLater(null)).isFalse();
    }

    @Test
    void readsTheServerPropertyAsTheClientHandsItOver() {
        // the client gives server properties as AMQP long strings, not java.lang.String
        assertThat(BrokerVersion.isRabbitMq43OrLater(LongStringHelper.asLongString("4.3.6")))
                .isTrue();
        assertThat(BrokerVersion.isRabbitMq43OrLater(LongStringHelper.asLongString("3.10.8")))
                .isFalse();
    }
}
