package com.example.orders.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.orders.testsupport.Api;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Errors raised before a controller is chosen are problems too: an unmapped path (answered by the
 * container's /error), and paths Tomcat itself refuses (encoded slash or backslash, NUL, invalid
 * UTF-8), which used to get Boot's plain JSON or Tomcat's HTML page. Found by the chaos module's
 * generated ids.
 */
class ErrorsAsProblemsIT {

    private final Api api = SystemUnderTest.get().api();

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/api/nothing-here",
                "/api/orders/a/b",
                "/api/orders/a%2Fb",
                "/api/orders/%00",
                "/api/orders/%5C",
                "/api/products/%C3%28"
            })
    void pathWithNoResourceOrThatTheServerRefusesIsAnsweredWithAProblem(String path) {
        Api.Response response = api.sendRaw("GET", path, "", null);

        assertThat(response.status()).isBetween(400, 404);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.body().path("type").asString()).startsWith("https://");
        assertThat(response.body().path("status").asInt()).isEqualTo(response.status());
    }
}
