package com.example.orders.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The API description springdoc serves at /v3/api-docs (and /swagger-ui.html), with how to call it. */
@Configuration(proxyBeanMethods = false)
class OpenApiConfig {

    @Bean
    OpenAPI orderServiceApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("order-service")
                        .version("1")
                        .description("Products, orders that reserve stock, and payments that race safely against"
                                + " expiry. Errors are application/problem+json (RFC 9457)."))
                .components(
                        new Components()
                                .addSecuritySchemes(
                                        "storefront",
                                        new SecurityScheme()
                                                .type(SecurityScheme.Type.HTTP)
                                                .scheme("bearer")
                                                .description(
                                                        "Every /api call but payment: Authorization: Bearer <token>"))
                                .addSecuritySchemes(
                                        "payment-signature",
                                        new SecurityScheme()
                                                .type(SecurityScheme.Type.APIKEY)
                                                .in(SecurityScheme.In.HEADER)
                                                .name("Payment-Signature")
                                                .description(
                                                        "t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<raw body>\">,"
                                                                + " within 300 s; a signature is bound to the first order and body it was used for")));
    }
}
