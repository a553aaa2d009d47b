package com.example.orders.order;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.time.Duration;
import java.util.List;

/**
 * @param paymentTimeout this order's payment window (ISO-8601, e.g. {@code PT30M}); null for the
 *     configured {@code orders.payment-timeout}; bounded by {@code orders.payment-timeout-min/-max}
 */
record OrderRequest(
        @NotBlank @Size(max = 64) String customerId,
        @NotEmpty @Size(max = 100) List<@NotNull @Valid Line> items,

        @Schema(
                type = "string",
                format = "duration",
                description = "this order's payment window, ISO-8601; within ORDERS_PAYMENT_TIMEOUT_MIN and"
                        + " _MAX (default PT1S to PT24H), else 400; omitted: ORDERS_PAYMENT_TIMEOUT",
                example = "PT30M")
        Duration paymentTimeout) {

    static final int MAX_QUANTITY = 1_000_000;

    record Line(
            @NotBlank @Pattern(regexp = "[A-Za-z0-9._:-]{1,64}")
            String sku,

            @NotNull @Positive @Max(MAX_QUANTITY) Integer quantity) {}
}
