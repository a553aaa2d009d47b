package com.example.orders.payment;

import com.example.orders.order.Order;
import com.example.orders.web.ApiProblems;
import com.example.orders.web.InvalidRequestException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "payments")
class PaymentController {

    private final PaymentService payments;

    PaymentController(PaymentService payments) {
        this.payments = payments;
    }

    @PostMapping("/api/orders/{id}/payment")
    @Operation(
            operationId = "payOrder",
            summary = "Confirm the payment of an order (payment provider)",
            description = "Marks a PENDING order PAID if its deadline has not passed. The same paymentId again, or"
                    + " the identical signed request again (a retry), answers 200 with the order.")
    @ApiResponse(
            responseCode = "200",
            description = "The order, PAID",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = Order.class)))
    @ApiResponse(
            responseCode = "400",
            ref = ApiProblems.BAD_REQUEST_REF,
            description = "Invalid body, or an orderId in it that differs from the path")
    @ApiResponse(responseCode = "404", ref = ApiProblems.NOT_FOUND_REF)
    @ApiResponse(
            responseCode = "409",
            ref = ApiProblems.CONFLICT_REF,
            description = "The order expired or was cancelled, its deadline passed, or another paymentId paid it")
    @ApiResponse(responseCode = "413", ref = ApiProblems.TOO_LARGE_REF, description = "A body over 16 KiB")
    Order pay(
            @Parameter(description = "the order's id", example = "5b0e6f1c-3d4a-4d55-9a3e-2f1f0e9f7c11") @PathVariable
                    String id,
            @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            content =
                                    @Content(
                                            mediaType = "application/json",
                                            schema = @Schema(implementation = PaymentRequest.class),
                                            examples =
                                                    @ExampleObject(
                                                            name = "payment",
                                                            value = "{\"paymentId\":\"pay-1\"}")))
                    @Valid
                    @RequestBody
                    PaymentRequest request) {
        if (request.orderId() != null && !request.orderId().equals(id)) {
            throw new InvalidRequestException("orderId", "does not match the order in the path");
        }
        return payments.pay(id, request.paymentId());
    }
}
