package com.example.orders.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The problem+json answers of the API description: one {@code Problem} schema (RFC 9457, plus
 * {@code errors} for invalid input) and one reusable response per status, each with an example of
 * what this service really sends. Controllers refer to them by name
 * ({@code @ApiResponse(responseCode = "404", ref = ApiProblems.NOT_FOUND_REF)}).
 */
public final class ApiProblems {

    public static final String BAD_REQUEST = "BadRequest";
    public static final String UNAUTHORIZED = "Unauthorized";
    public static final String NOT_FOUND = "NotFound";
    public static final String CONFLICT = "Conflict";
    public static final String TOO_LARGE = "PayloadTooLarge";
    public static final String UNAVAILABLE = "ServiceUnavailable";

    private static final String RESPONSES = "#/components/responses/";
    public static final String BAD_REQUEST_REF = RESPONSES + BAD_REQUEST;
    public static final String NOT_FOUND_REF = RESPONSES + NOT_FOUND;
    public static final String CONFLICT_REF = RESPONSES + CONFLICT;
    public static final String TOO_LARGE_REF = RESPONSES + TOO_LARGE;

    private static final String PROBLEM_JSON = "application/problem+json";

    private ApiProblems() {}

    static ApiResponse ref(String name) {
        return new ApiResponse().$ref(RESPONSES + name);
    }

    static Components register(Components components) {
        components.addSchemas("Problem", problemSchema());
        components.addResponses(
                BAD_REQUEST,
                response(
                        "The request is invalid; `errors` names each field that failed. Nothing was written.",
                        Map.of(
                                "invalid-request",
                                example(
                                        "invalid-request",
                                        "Invalid request",
                                        400,
                                        "items[0].quantity must be greater than 0",
                                        List.of(Map.of(
                                                "field", "items[0].quantity", "message", "must be greater than 0"))))));
        components.addResponses(
                UNAUTHORIZED,
                response(
                                "Missing or wrong credentials: a storefront token, or for payment a valid, fresh"
                                        + " Payment-Signature not used before for another order or body.",
                                Map.of(
                                        "unauthorized",
                                        example(
                                                "unauthorized",
                                                "Unauthorized",
                                                401,
                                                "Send Authorization: Bearer <storefront token>",
                                                null)))
                        .addHeaderObject(
                                "WWW-Authenticate",
                                OpenApiConfig.header("`Bearer`, or `Payment-Signature` on payment", "Bearer")));
        components.addResponses(
                NOT_FOUND,
                response(
                        "No such order or product.",
                        Map.of("not-found", example("not-found", "Not found", 404, "No order 42", null))));
        components.addResponses(
                CONFLICT,
                response(
                        "The state of the order or the stock refuses the request; `type` says why. Nothing was"
                                + " written.",
                        Map.of(
                                "insufficient-stock",
                                example(
                                        "insufficient-stock",
                                        "Not enough stock",
                                        409,
                                        "Only 2 of mug left, 3 asked",
                                        null),
                                "order-expired",
                                example(
                                        "order-expired",
                                        "Payment refused",
                                        409,
                                        "The order expired before it was paid",
                                        null),
                                "order-paid",
                                example(
                                        "order-paid",
                                        "Cancel refused",
                                        409,
                                        "The order was paid; it can no longer be cancelled",
                                        null))));
        components.addResponses(
                TOO_LARGE,
                response(
                        "The body is larger than this operation accepts.",
                        Map.of("too-large", example("http-413", "Payload Too Large", 413, null, null))));
        components.addResponses(
                UNAVAILABLE,
                response(
                                "Not carried out now, nothing written; the same request again after `Retry-After`"
                                        + " seconds is safe (the database is unreachable, it aborted the request's"
                                        + " transaction at every attempt, or for a cancel the stock rows kept"
                                        + " changing).",
                                Map.of(
                                        "database-busy",
                                        example("database-busy", "Try again shortly", 503, DatabaseBusy.DETAIL, null),
                                        "stock-busy",
                                        example(
                                                "stock-busy",
                                                "Try again shortly",
                                                503,
                                                "The stock of this order kept changing; nothing was written, send the"
                                                        + " cancel again",
                                                null)))
                        .addHeaderObject("Retry-After", OpenApiConfig.header("seconds to wait", "1")));
        return components;
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static Schema<?> problemSchema() {
        Schema error = new ObjectSchema()
                .addProperty("field", new StringSchema().description("the field, e.g. `items[0].quantity`"))
                .addProperty("message", new StringSchema());
        return new ObjectSchema()
                .description("RFC 9457 problem details")
                .addProperty(
                        "type",
                        new StringSchema()
                                .format("uri")
                                .description("stable; its last segment is the code, e.g. `order-expired`"))
                .addProperty("title", new StringSchema())
                .addProperty("status", new IntegerSchema())
                .addProperty("detail", new StringSchema())
                .addProperty("instance", new StringSchema().format("uri-reference"))
                .addProperty("errors", new ArraySchema().items(error).description("400 only: each field that failed"))
                .required(List.of("type", "title", "status"));
    }

    private static ApiResponse response(String description, Map<String, Example> examples) {
        MediaType media = new MediaType().schema(new Schema<>().$ref("#/components/schemas/Problem"));
        new java.util.TreeMap<>(examples).forEach(media::addExamples);
        return new ApiResponse().description(description).content(new Content().addMediaType(PROBLEM_JSON, media));
    }

    private static Example example(
            String type, String title, int status, String detail, List<Map<String, String>> errors) {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("type", ProblemHandler.TYPE_BASE + type);
        value.put("title", title);
        value.put("status", status);
        if (detail != null) {
            value.put("detail", detail);
        }
        if (errors != null) {
            value.put("errors", errors);
        }
        return new Example().summary(title).value(value);
    }
}
