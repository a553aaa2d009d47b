package com.example.orders.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.example.orders.testsupport.Servers;
import com.example.orders.testsupport.ServiceProcess;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.MessageProperties;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The stuck-dead-letter gauge an operator alerts on ({@code orders:dead_letters_held} in
 * docker/prometheus/alerts.yml), computed by a real Prometheus (Debian's package) from the test
 * broker's own metrics, as the compose stack's Prometheus does: a wait queue whose dead-lettering is
 * stopped by hand (its dead-letter exchange does not exist, so at-least-once dead-lettering holds the
 * message) reads the held message; a queue whose message is merely ready reads zero. Runs on both
 * brokers (scripts/test.sh), through their rabbitmq_prometheus plugin ({@code IT_RABBITMQ_PROMETHEUS_PORT}).
 */
class StuckDeadLetterGaugeIT {

    private static final Servers SERVERS = Servers.fromEnv("IT", "orders_test", "orders-test");
    private static final int BROKER_METRICS_PORT =
            Integer.parseInt(Servers.env("IT_RABBITMQ_PROMETHEUS_PORT", "15692"));
    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    private static final Path RULES =
            Path.of("..", "docker", "prometheus", "alerts.yml").toAbsolutePath().normalize();

    /** Waits like a level of the cascade, but dead-letters into an exchange nobody declared. */
    private static final String STUCK_QUEUE = "orders.delay.stuck-check";

    private static final String READY_QUEUE = "orders.delay.ready-check";

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static Process prometheus;
    private static String prometheusUrl;

    @BeforeAll
    static void brokerWithAStuckAndAReadyMessage() throws Exception {
        try (Connection connection = SERVERS.rabbitConnection("stuck-dead-letter-it")) {
            Channel channel = connection.createChannel();
            channel.queueDelete(STUCK_QUEUE);
            channel.queueDelete(READY_QUEUE);
            channel.queueDeclare(
                    STUCK_QUEUE,
                    true,
                    false,
                    false,
                    Map.of(
                            "x-queue-type", "quorum",
                            "x-message-ttl", 200,
                            "x-dead-letter-exchange", STUCK_QUEUE + ".missing",
                            "x-dead-letter-strategy", "at-least-once",
                            "x-overflow", "reject-publish"));
            channel.queueDeclare(READY_QUEUE, true, false, false, Map.of("x-queue-type", "quorum"));
            channel.confirmSelect();
            channel.basicPublish("", STUCK_QUEUE, MessageProperties.PERSISTENT_BASIC, "held".getBytes());
            channel.basicPublish("", READY_QUEUE, MessageProperties.PERSISTENT_BASIC, "ready".getBytes());
            channel.waitForConfirmsOrDie(5_000);
        }
        prometheus = startPrometheus();
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (prometheus != null) {
            prometheus.destroy();
            prometheus.waitFor();
        }
        try (Connection connection = SERVERS.rabbitConnection("stuck-dead-letter-it")) {
            Channel channel = connection.createChannel();
            channel.queueDelete(STUCK_QUEUE);
            channel.queueDelete(READY_QUEUE);
        }
    }

    @Test
    void aWaitQueueThatCannotHandOnItsDeadLettersShowsThemHeld() {
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(held(STUCK_QUEUE)).hasValue(1.0));
    }

    @Test
    void aMessageThatIsMerelyReadyIsNotCountedAsHeld() {
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(held(READY_QUEUE)).hasValue(0.0));
    }

    /** The recorded gauge for one queue of the test vhost, if Prometheus has evaluated it yet. */
    private static OptionalDouble held(String queue) throws Exception {
        String query = "orders:dead_letters_held{vhost=\"%s\",queue=\"%s\"}".formatted(SERVERS.rabbitVhost(), queue);
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(prometheusUrl + "/api/v1/query?query="
                                + URLEncoder.encode(query, StandardCharsets.UTF_8)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode result = JSON.readTree(response.body()).path("data").path("result");
        return result.isEmpty()
                ? OptionalDouble.empty()
                : OptionalDouble.of(
                        Double.parseDouble(result.get(0).path("value").get(1).asString()));
    }

    /** Prometheus with the stack's rules, scraping the broker's per-queue metrics every second. */
    private static Process startPrometheus() throws Exception {
        assertThat(PROMETHEUS)
                .as("Debian's prometheus package (scripts/check-alerts.sh installs it)")
                .isExecutable();
        Path dir = Path.of("target", "prometheus").toAbsolutePath();
        Files.createDirectories(dir);
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(
                config, """
                global: {scrape_interval: 1s, evaluation_interval: 1s}
                rule_files: ["%s"]
                scrape_configs:
                  - job_name: rabbitmq-queues
                    metrics_path: /metrics/detailed
                    params: {family: [queue_coarse_metrics], vhost: ["%s"]}
                    static_configs: [{targets: ["%s:%d"]}]
                """.formatted(RULES, SERVERS.rabbitVhost(), SERVERS.rabbitHost(), BROKER_METRICS_PORT));
        int port = ServiceProcess.freePort();
        prometheusUrl = "http://127.0.0.1:" + port;
        Process process = new ProcessBuilder(
                        PROMETHEUS.toString(),
                        "--config.file=" + config,
                        "--storage.tsdb.path=" + dir.resolve("data-" + port),
                        "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("prometheus.log").toFile())
                .start();
        await().atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() -> HTTP.send(
                                        HttpRequest.newBuilder(URI.create(prometheusUrl + "/-/ready"))
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200);
        return process;
    }
}
