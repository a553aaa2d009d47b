package com.example.orders.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.example.orders.testsupport.Api;
import com.example.orders.testsupport.Rabbitmqctl;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The broker refuses order-service's publishes for a while (its write permission is revoked, as an
 * operator's mistake or a policy would): orders keep being taken, nothing refused is taken for sent,
 * and when the broker accepts again every message goes out and expires its order on time.
 */
class BrokerRefusalIT {

    private static final Duration PAYMENT_WINDOW = Duration.ofSeconds(60);

    /**
     * How long the first publish failure may take: order-service reconnects, and Spring AMQP's
     * RabbitAdmin retries the declarations it makes on every new connection, refused as well, for about
     * 17 s (1 + 2 + 4 + 5 + 5 s) on the relay's thread before the relay's publish fails.
     */
    private static final Duration FIRST_FAILURES = Duration.ofSeconds(40);

    private final Api api = SystemUnderTest.get().api();

    @Test
    void ordersTakenWhileTheBrokerRefusesPublishesStayInTheOutboxAndExpireOnceItAcceptsAgain() throws Exception {
        String sku = api.newProduct("refused", 20, 100);
        JsonNode permissions = orderServicePermissions();
        double failuresBefore = api.orderServiceMetric("orders_outbox_publish_failures_total");
        double rescuedBefore = api.workerMetric("orders_expiry_sweep_rescued_total");
        List<String> ids;
        try {
            setWritePermission(
                    permissions.path("configure").asString(),
                    "^$",
                    permissions.path("read").asString());
            closeOrderServiceConnections();
            // A payment window longer than the refusal lasts (closing the connections makes order-service
            // reconnect and back off for a while), so every order is still due to expire by its message.
            ids = IntStream.range(0, 5)
                    .mapToObj(i -> api.placeOrder(
                                    Map.of(
                                            "customerId", "c-refused",
                                            "items", List.of(Map.of("sku", sku, "quantity", 2)),
                                            "paymentTimeout", PAYMENT_WINDOW.toString()),
                                    Map.of())
                            .text("id"))
                    .toList();
            assertThat(ids).doesNotContainNull();
            await().atMost(FIRST_FAILURES)
                    .until(() -> api.orderServiceMetric("orders_outbox_publish_failures_total") >= failuresBefore + 3);

            for (String id : ids) {
                assertThat(SystemUnderTest.DATABASE.count(
                                "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND event_type = 'OrderCreated'"
                                        + " AND payload LIKE ?",
                                "%" + id + "%"))
                        .as("a refused message is not marked sent")
                        .isEqualTo(1);
            }
        } finally {
            setWritePermission(
                    permissions.path("configure").asString(),
                    permissions.path("write").asString(),
                    permissions.path("read").asString());
        }

        await().atMost(PAYMENT_WINDOW.plusSeconds(30))
                .until(() -> ids.stream().allMatch(id -> api.status(id).equals("EXPIRED")));
        assertThat(api.stock(sku)).isEqualTo(20);
        assertThat(api.workerMetric("orders_expiry_sweep_rescued_total"))
                .as("every message reached the worker; none had to be rescued")
                .isEqualTo(rescuedBefore);
    }

    private static JsonNode orderServicePermissions() {
        JsonNode definitions = Api.JSON.readTree(
                Path.of("..", "docker", "rabbitmq", "definitions.json").toFile());
        for (JsonNode permission : definitions.path("permissions")) {
            if (permission.path("user").asString().equals("order-service")) {
                return permission;
            }
        }
        throw new IllegalStateException("no order-service permissions in definitions.json");
    }

    /**
     * RabbitMQ may cache a channel's access checks, so a permission change is certain to apply only to
     * connections opened after it: close order-service's, which reconnects at once.
     */
    private static void closeOrderServiceConnections() throws Exception {
        for (String line :
                rabbitmqctl("list_connections", "pid", "user", "vhost").split("\n")) {
            String[] columns = line.split("\t");
            if (columns.length == 3
                    && columns[1].equals("order-service")
                    && columns[2].equals(SystemUnderTest.RABBIT_VHOST)) {
                rabbitmqctl("close_connection", columns[0], "permissions changed by BrokerRefusalIT");
            }
        }
    }

    private static String rabbitmqctl(String... arguments) throws Exception {
        List<String> command = new java.util.ArrayList<>(Rabbitmqctl.commandFromEnv("IT"));
        command.add("-q");
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as("rabbitmqctl: %s", output).isZero();
        return output;
    }

    private static void setWritePermission(String configure, String write, String read) throws Exception {
        rabbitmqctl("set_permissions", "-p", SystemUnderTest.RABBIT_VHOST, "order-service", configure, write, read);
    }
}
