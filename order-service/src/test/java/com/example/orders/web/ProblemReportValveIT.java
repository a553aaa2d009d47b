package com.example.orders.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The service on a real Tomcat at a random port (against the test database and broker): paths that
 * Tomcat itself refuses before Spring sees them (an encoded slash or backslash, a NUL, invalid UTF-8)
 * are answered by {@link ProblemReportValve}, and paths no controller maps by
 * {@link ProblemErrorController}, both as problems, like every other error.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.datasource.url=${IT_DATASOURCE_URL:jdbc:mysql://127.0.0.1:3306/orders_test}",
            "spring.rabbitmq.port=${IT_RABBITMQ_PORT:5672}",
            "spring.rabbitmq.virtual-host=${IT_RABBITMQ_VIRTUAL_HOST:orders-test}",
            "orders.delay-transport=dead-letter-ttl",
            "orders.storefront-tokens=" + ProblemReportValveIT.TOKEN,
            "orders.payment-secrets=valve-it-secret"
        })
class ProblemReportValveIT {

    static final String TOKEN = "valve-it-token";

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    private int port;

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/api/orders/a%2Fb",
                "/api/orders/%00",
                "/api/orders/%5C",
                "/api/products/%C3%28",
                "/api/nothing-here",
                "/api/orders/a/b"
            })
    void aPathTheServerRefusesOrThatNamesNoResourceIsAnsweredWithAProblem(String path) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Authorization", "Bearer " + TOKEN)
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isBetween(400, 404);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = JsonMapper.builder().build().readTree(response.body());
        assertThat(problem.path("type").asString()).startsWith("https://");
        assertThat(problem.path("status").asInt()).isEqualTo(response.statusCode());
    }
}
