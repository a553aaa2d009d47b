package com.example.orders.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.example.orders.testsupport.Api;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The API description storefront teams generate their clients from: what the running service serves
 * at /v3/api-docs is the committed docs/openapi.json (from which GeneratedClientIT's client is
 * generated), it says who may call each operation and every answer with its problem+json body, and
 * a public linter's recommended rules find no error in it.
 */
class OpenApiIT {

    static final Path COMMITTED = Path.of("..", "docs", "openapi.json");
    static final Path SERVED = Path.of("target", "openapi.json");

    private static final JsonMapper PRETTY =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private final Api api = SystemUnderTest.get().api();

    private JsonNode served() throws IOException {
        JsonNode served = Api.JSON.readTree(api.getText("/v3/api-docs"));
        Files.createDirectories(SERVED.getParent());
        Files.writeString(SERVED, PRETTY.writeValueAsString(served) + "\n");
        return served;
    }

    @Test
    void servedApiDescriptionIsTheCommittedOneClientsAreGeneratedFrom() throws IOException {
        JsonNode served = served();
        assertThat(served)
                .as("the API changed: review system-tests/target/openapi.json and copy it to docs/openapi.json")
                .isEqualTo(Api.JSON.readTree(Files.readString(COMMITTED)));
    }

    @Test
    void apiDescriptionListsEveryEndpointOfTheContractAndNotTheErrorPage() throws IOException {
        JsonNode paths = served().path("paths");

        assertThat(paths.path("/api/products/{sku}").has("put")).isTrue();
        assertThat(paths.path("/api/products/{sku}").has("get")).isTrue();
        assertThat(paths.path("/api/orders").has("post")).isTrue();
        assertThat(paths.path("/api/orders/{id}").has("get")).isTrue();
        assertThat(paths.path("/api/orders/{id}/payment").has("post")).isTrue();
        assertThat(paths.path("/api/orders/{id}/cancel").has("post")).isTrue();
        assertThat(paths.path("/api/orders").path("post").path("parameters").toString())
                .contains("Idempotency-Key");
        assertThat(paths.has("/error"))
                .as("the container's error page is no operation")
                .isFalse();
    }

    @Test
    void everyOperationSaysWhoMayCallItAndDescribesItsFailuresAsProblems() throws IOException {
        JsonNode description = served();
        List<String> checked = new ArrayList<>();
        description
                .path("paths")
                .properties()
                .forEach(path -> path.getValue().properties().forEach(operation -> {
                    String name = operation.getValue().path("operationId").asString();
                    String scheme = path.getKey().endsWith("/payment") ? "payment-signature" : "storefront";
                    assertThat(operation.getValue().path("security").toString())
                            .as("security of %s", name)
                            .contains(scheme);
                    assertThat(operation.getValue().path("summary").asString()).isNotBlank();
                    JsonNode responses = operation.getValue().path("responses");
                    assertThat(responses.has("401")).as("401 of %s", name).isTrue();
                    responses.properties().stream()
                            .filter(r ->
                                    r.getKey().startsWith("4") || r.getKey().startsWith("5"))
                            .forEach(r -> assertThat(r.getValue().path("$ref").asString())
                                    .as("%s %s", name, r.getKey())
                                    .startsWith("#/components/responses/"));
                    checked.add(name);
                }));
        assertThat(checked)
                .containsExactlyInAnyOrder(
                        "putProduct", "getProduct", "placeOrder", "getOrder", "payOrder", "cancelOrder");
        description
                .path("components")
                .path("responses")
                .properties()
                .forEach(response -> assertThat(
                                response.getValue().path("content").has("application/problem+json"))
                        .as(response.getKey())
                        .isTrue());
        assertThat(description
                        .path("paths")
                        .path("/api/orders")
                        .path("post")
                        .path("responses")
                        .has("201"))
                .isTrue();
    }

    /**
     * {@code npx @redocly/cli lint} with the recommended rules (redocly.yaml at the root). Needs npm's
     * npx: skipped without it, except in CI (CI=true), where it must run.
     */
    @Test
    void apiDescriptionHasNoErrorsUnderRedoclyRecommendedRules() throws Exception {
        served();
        boolean npx = commandWorks("npx", "--version");
        if (!"true".equals(System.getenv("CI"))) {
            assumeTrue(npx, "npx (npm) is not installed: lint skipped");
        }
        assertThat(npx).as("npx is needed in CI to lint the API description").isTrue();
        Path report = Path.of("target", "openapi-lint.txt");
        Process lint = new ProcessBuilder(
                        "npx",
                        "--yes",
                        "@redocly/cli@" + REDOCLY_VERSION,
                        "lint",
                        "--config",
                        Path.of("..", "redocly.yaml").toString(),
                        SERVED.toString())
                .redirectErrorStream(true)
                .redirectOutput(report.toFile())
                .start();
        assertThat(lint.waitFor(5, TimeUnit.MINUTES)).as("lint finished").isTrue();
        String output = Files.readString(report);
        assertThat(lint.exitValue()).as(output).isZero();
        assertThat(output).contains("Your API description is valid");
    }

    /** Pinned: the build must not change its verdict when the linter publishes a new release. */
    private static final String REDOCLY_VERSION = "2.77.0";

    private static boolean commandWorks(String... command) {
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
