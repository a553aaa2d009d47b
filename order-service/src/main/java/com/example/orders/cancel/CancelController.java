package com.example.orders.cancel;

import com.example.orders.order.Order;
import com.example.orders.web.ApiProblems;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "orders")
class CancelController {

    private final CancelService cancels;

    CancelController(CancelService cancels) {
        this.cancels = cancels;
    }

    /** The customer cancels an unpaid order; its stock comes back at once. Repeating it is harmless. */
    @PostMapping("/api/orders/{id}/cancel")
    @Operation(
            operationId = "cancelOrder",
            summary = "Cancel an unpaid order (customer)",
            description = "A PENDING order becomes CANCELLED and every item's stock is given back at once. Cancelling"
                    + " it again answers 200 with the same order.")
    @ApiResponse(
            responseCode = "200",
            description = "The order, CANCELLED",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = Order.class)))
    @ApiResponse(responseCode = "404", ref = ApiProblems.NOT_FOUND_REF)
    @ApiResponse(
            responseCode = "409",
            ref = ApiProblems.CONFLICT_REF,
            description = "The order was paid (`order-paid`) or has expired (`order-expired`)")
    Order cancel(
            @Parameter(description = "the order's id", example = "5b0e6f1c-3d4a-4d55-9a3e-2f1f0e9f7c11") @PathVariable
                    String id) {
        return cancels.cancel(id);
    }
}
