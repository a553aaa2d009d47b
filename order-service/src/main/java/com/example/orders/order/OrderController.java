package com.example.orders.order;

import com.example.orders.web.ApiProblems;
import com.example.orders.web.InvalidRequestException;
import com.example.orders.web.NotFoundException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/orders")
@Tag(name = "orders")
class OrderController {

    /**
     * Checked here rather than by {@code @Size} with {@code @Validated}: that made the controller a
     * proxy validating every call's arguments and answer a second time (issue 19's profile).
     */
    private static final int KEY_MAX = 128;

    private final OrderService service;
    private final OrderRepository orders;

    OrderController(OrderService service, OrderRepository orders) {
        this.service = service;
        this.orders = orders;
    }

    /** Places an order; the same Idempotency-Key again answers with the first order, unchanged. */
    @PostMapping
    @Operation(
            operationId = "placeOrder",
            summary = "Place an order, reserving the stock of every item",
            description = "All items or none: each item's stock is taken at once. The order is PENDING until it is"
                    + " paid, cancelled, or expires at `expiresAt` with its stock given back.")
    @ApiResponse(
            responseCode = "201",
            description = "The order, PENDING (or, for a repeated Idempotency-Key, the first order, unchanged)",
            headers = {
                @Header(name = "Location", description = "/api/orders/{id}", schema = @Schema(type = "string")),
                @Header(
                        name = "Idempotent-Replayed",
                        description = "true when an earlier request with this Idempotency-Key placed the order",
                        schema =
                                @Schema(
                                        type = "string",
                                        allowableValues = {"true", "false"}))
            },
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = Order.class)))
    @ApiResponse(responseCode = "400", ref = ApiProblems.BAD_REQUEST_REF)
    @ApiResponse(responseCode = "404", ref = ApiProblems.NOT_FOUND_REF, description = "An item's sku is unknown")
    @ApiResponse(responseCode = "409", ref = ApiProblems.CONFLICT_REF, description = "Not enough stock")
    ResponseEntity<Order> place(
            @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            content =
                                    @Content(
                                            mediaType = "application/json",
                                            schema = @Schema(implementation = OrderRequest.class),
                                            examples =
                                                    @ExampleObject(
                                                            name = "three mugs",
                                                            value =
                                                                    "{\"customerId\":\"c-1\",\"items\":[{\"sku\":\"mug\",\"quantity\":3}]}")))
                    @Valid
                    @RequestBody
                    OrderRequest request,
            @Parameter(
                            description = "any unique string: the same key again returns the first order instead of"
                                    + " placing a second one",
                            example = "3f0c7a52-checkout-1",
                            schema = @Schema(type = "string", minLength = 1, maxLength = KEY_MAX))
                    @RequestHeader(name = "Idempotency-Key", required = false)
                    String idempotencyKey) {
        if (idempotencyKey != null && (idempotencyKey.isEmpty() || idempotencyKey.length() > KEY_MAX)) {
            throw new InvalidRequestException("idempotencyKey", "size must be between 1 and " + KEY_MAX);
        }
        OrderService.Placed placed = service.place(request, idempotencyKey);
        return ResponseEntity.status(HttpStatus.CREATED)
                .location(URI.create("/api/orders/" + placed.order().id()))
                .header("Idempotent-Replayed", String.valueOf(!placed.created()))
                .body(placed.order());
    }

    @GetMapping("/{id}")
    @Operation(operationId = "getOrder", summary = "Read an order and its state")
    @ApiResponse(
            responseCode = "200",
            description = "The order",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = Order.class)))
    @ApiResponse(responseCode = "404", ref = ApiProblems.NOT_FOUND_REF)
    Order get(
            @Parameter(description = "the order's id", example = "5b0e6f1c-3d4a-4d55-9a3e-2f1f0e9f7c11") @PathVariable
                    String id) {
        return orders.find(id).orElseThrow(() -> new NotFoundException("order", id));
    }
}
