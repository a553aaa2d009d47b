package com.example.orders.order;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.util.List;

record OrderRequest(
        @NotBlank @Size(max = 64) String customerId,
        @NotEmpty @Size(max = 100) List<@NotNull @Valid Line> items) {

    static final int MAX_QUANTITY = 1_000_000;

    record Line(
            @NotBlank @Pattern(regexp = "[A-Za-z0-9._:-]{1,64}")
            String sku,

            @NotNull @Positive @Max(MAX_QUANTITY) Integer quantity) {}
}
