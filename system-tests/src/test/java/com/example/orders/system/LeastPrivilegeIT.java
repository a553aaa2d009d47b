package com.example.orders.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.orders.contracts.DelayCascade;
import com.example.orders.contracts.Topology;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * Each service's own broker and database user (the compose stack's, from docker/rabbitmq and
 * docker/mysql/init; the whole end-to-end suite runs the services as these users) can do its job and
 * nothing of the other's.
 */
class LeastPrivilegeIT {

    static {
        SystemUnderTest.get(); // the services declare the topology these checks touch
    }

    private static Connection broker(String user) throws Exception {
        var factory = new ConnectionFactory();
        factory.setHost(SystemUnderTest.RABBIT_HOST);
        factory.setPort(SystemUnderTest.SERVERS.rabbitPort());
        factory.setVirtualHost(SystemUnderTest.RABBIT_VHOST);
        factory.setUsername(user);
        factory.setPassword(user + "-dev");
        return factory.newConnection("least-privilege-it");
    }

    @Test
    void orderServiceUserCannotTouchTheWorkersDeadLetterQueue() throws Exception {
        try (Connection connection = broker("order-service")) {
            Channel read = connection.createChannel();
            assertThatThrownBy(() -> read.basicGet(Topology.DEAD_LETTER_QUEUE, true))
                    .hasStackTraceContaining("ACCESS_REFUSED");
            Channel delete = connection.createChannel();
            assertThatThrownBy(() -> delete.queueDelete(Topology.DEAD_LETTER_QUEUE))
                    .hasStackTraceContaining("ACCESS_REFUSED");
        }
    }

    @Test
    void bothServiceUsersMayDeclareTheDelayCascadeTheyBothPublishInto() throws Exception {
        for (String user : new String[] {"order-service", "expiry-worker"}) {
            try (Connection connection = broker(user)) {
                Channel channel = connection.createChannel();
                int top = DelayCascade.LEVELS - 1;
                channel.exchangeDeclare(DelayCascade.level(top), "topic", true);
                channel.queueDeclare(DelayCascade.level(top), true, false, false, DelayCascade.queueArguments(top));
                channel.queueBind(DelayCascade.level(top), DelayCascade.level(top), DelayCascade.waitBindingKey(top));
                channel.exchangeBind(
                        DelayCascade.below(top), DelayCascade.level(top), DelayCascade.skipBindingKey(top));
                channel.queueBind(
                        Topology.EXPIRY_QUEUE,
                        DelayCascade.DELIVERY_EXCHANGE,
                        DelayCascade.deliveryBindingKey(DelayCascade.EXPIRY_DESTINATION));
            }
        }
    }

    @Test
    void neitherServiceUserMayDeclareQueuesOutsideItsNames() throws Exception {
        for (String user : new String[] {"order-service", "expiry-worker"}) {
            try (Connection connection = broker(user)) {
                Channel declare = connection.createChannel();
                assertThatThrownBy(() -> declare.queueDeclare("orders.delayed-by-someone", true, false, false, null))
                        .hasStackTraceContaining("ACCESS_REFUSED");
            }
        }
    }

    @Test
    void expiryWorkerUserCannotPublishDomainEventsOrDeclareForeignQueues() throws Exception {
        try (Connection connection = broker("expiry-worker")) {
            Channel publish = connection.createChannel();
            publish.confirmSelect();
            publish.basicPublish(Topology.EVENTS_EXCHANGE, Topology.ORDER_EXPIRED_KEY, null, "{}".getBytes());
            assertThatThrownBy(() -> publish.waitForConfirmsOrDie(5_000)).hasStackTraceContaining("ACCESS_REFUSED");

            Channel declare = connection.createChannel();
            assertThatThrownBy(() -> declare.queueDeclare("someone-elses-queue", true, false, false, null))
                    .hasStackTraceContaining("ACCESS_REFUSED");
        }
    }

    @Test
    void expiryWorkerUserCanConsumeItsQueue() throws Exception {
        try (Connection connection = broker("expiry-worker")) {
            Channel channel = connection.createChannel();
            assertThat(channel.queueDeclarePassive(Topology.EXPIRY_QUEUE).getQueue())
                    .isEqualTo(Topology.EXPIRY_QUEUE);
        }
    }

    @Test
    void expiryWorkerDatabaseUserCannotDeleteOrChangeTheSchema() throws SQLException {
        try (var connection =
                        DriverManager.getConnection(SystemUnderTest.DB_URL, "expiry_worker", "expiry-worker-dev");
                var statement = connection.createStatement()) {
            assertThat(statement.executeQuery("SELECT COUNT(*) FROM orders").next())
                    .isTrue();
            assertThatThrownBy(() -> statement.executeUpdate("DELETE FROM outbox WHERE id = -1"))
                    .hasMessageContaining("denied");
            assertThatThrownBy(() -> statement.execute("DROP TABLE product")).hasMessageContaining("denied");
            assertThatThrownBy(() -> statement.execute("CREATE TABLE sneaky (id INT)"))
                    .hasMessageContaining("denied");
        }
    }

    @Test
    void orderServiceDatabaseUserCannotGrantOrCreateUsers() throws SQLException {
        try (var connection =
                        DriverManager.getConnection(SystemUnderTest.DB_URL, "order_service", "order-service-dev");
                var statement = connection.createStatement()) {
            assertThatThrownBy(() -> statement.execute("CREATE USER 'sneaky'@'%' IDENTIFIED BY 'x'"))
                    .hasMessageContaining("denied");
            assertThatThrownBy(() -> statement.execute("GRANT SELECT ON orders_test.* TO 'expiry_worker'@'%'"))
                    .hasMessageContaining("denied");
        }
    }
}
