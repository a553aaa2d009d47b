package com.example.orders.system;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The API description a storefront developer reads matches the contract's endpoints. */
class OpenApiIT {

    private final Api api = new Api(SystemUnderTest.get());

    @Test
    void apiDescriptionListsEveryEndpointOfTheContract() {
        JsonNode paths = Api.JSON.readTree(api.getText("/v3/api-docs")).path("paths");

        assertThat(paths.path("/api/products/{sku}").has("put")).isTrue();
        assertThat(paths.path("/api/products/{sku}").has("get")).isTrue();
        assertThat(paths.path("/api/orders").has("post")).isTrue();
        assertThat(paths.path("/api/orders/{id}").has("get")).isTrue();
        assertThat(paths.path("/api/orders/{id}/payment").has("post")).isTrue();
        assertThat(paths.path("/api/orders/{id}/cancel").has("post")).isTrue();
        assertThat(paths.path("/api/orders").path("post").path("parameters").toString())
                .contains("Idempotency-Key");
    }
}
