package com.example.orders.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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

    private final Api api = new Api(SystemUnderTest.get());

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
            ids = IntStream.range(0, 5)
                    .mapToObj(i -> api.order(Map.of(sku, 2)).text("id"))
                    .toList();
            assertThat(ids).doesNotContainNull();
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> api.orderServiceMetric("orders_outbox_publish_failures_total") >= failuresBefore + 3);

            for (String id : ids) {
                assertThat(Database.count(
                                "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND payload LIKE ?", "%" + id + "%"))
                        .as("a refused message is not marked sent")
                        .isEqualTo(1);
            }
        } finally {
            setWritePermission(
                    permissions.path("configure").asString(),
                    permissions.path("write").asString(),
                    permissions.path("read").asString());
        }

        await().atMost(Duration.ofSeconds(30))
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

    private static void setWritePermission(String configure, String write, String read) throws Exception {
        Process process = new ProcessBuilder(
                        "rabbitmqctl",
                        "-q",
                        "set_permissions",
                        "-p",
                        SystemUnderTest.RABBIT_VHOST,
                        "order-service",
                        configure,
                        write,
                        read)
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as("rabbitmqctl: %s", output).isZero();
    }
}
