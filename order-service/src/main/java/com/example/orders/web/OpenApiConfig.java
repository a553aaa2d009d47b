package com.example.orders.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import io.swagger.v3.oas.models.tags.Tag;
import java.util.List;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The API description springdoc serves at /v3/api-docs (and /swagger-ui.html), from which storefront
 * teams generate their clients: who may call each operation, and every answer with its body. The
 * answers every operation shares (401, and 503 while the database is away) and the security of each
 * are added here by path; each controller documents its own success and errors
 * ({@link ApiProblems} holds the shared problem responses).
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfig {

    static final String STOREFRONT = "storefront";
    static final String PAYMENT_SIGNATURE = "payment-signature";

    @Bean
    OpenAPI orderServiceApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("order-service")
                        .version("1")
                        .description("Products, orders that reserve stock, payments that race safely against"
                                + " expiry, and customer cancels. Errors are application/problem+json (RFC 9457)"
                                + " with a stable `type`."))
                // Relative: the server that serves this description, whatever its host and port (and the
                // description is then the same on every instance).
                .servers(List.of(new Server().url("/").description("the server serving this description")))
                .tags(List.of(
                        new Tag().name("products").description("What can be ordered, and how many are left"),
                        new Tag().name("orders").description("Orders that hold stock until paid, expired or cancelled"),
                        new Tag().name("payments").description("The payment provider's confirmation of a payment")))
                .components(ApiProblems.register(new Components()
                        .addSecuritySchemes(
                                STOREFRONT,
                                new SecurityScheme()
                                        .type(SecurityScheme.Type.HTTP)
                                        .scheme("bearer")
                                        .description("Every /api call but payment: Authorization: Bearer <token>"))
                        .addSecuritySchemes(
                                PAYMENT_SIGNATURE,
                                new SecurityScheme()
                                        .type(SecurityScheme.Type.APIKEY)
                                        .in(SecurityScheme.In.HEADER)
                                        .name("Payment-Signature")
                                        .description("t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<raw body>\">,"
                                                + " within 300 s; a signature is bound to the first order and body it"
                                                + " was used for (the identical request again is a retry)"))));
    }

    /** Security and the shared answers of every /api operation, by path. */
    @Bean
    OpenApiCustomizer sharedAnswers() {
        return api -> api.getPaths()
                .forEach((path, item) -> item.readOperations().forEach(operation -> {
                    boolean payment = path.endsWith("/payment");
                    operation.setSecurity(
                            List.of(new SecurityRequirement().addList(payment ? PAYMENT_SIGNATURE : STOREFRONT)));
                    operation.getResponses().addApiResponse("401", ApiProblems.ref(ApiProblems.UNAUTHORIZED));
                    operation.getResponses().addApiResponse("503", ApiProblems.ref(ApiProblems.UNAVAILABLE));
                }));
    }

    static Header header(String description, String example) {
        return new Header()
                .description(description)
                .schema(new io.swagger.v3.oas.models.media.StringSchema().example(example));
    }
}
