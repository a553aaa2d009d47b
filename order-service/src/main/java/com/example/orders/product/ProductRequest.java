package com.example.orders.product;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

record ProductRequest(
        @NotBlank @Size(max = 200) String name,
        @NotNull @PositiveOrZero @Max(1_000_000_000_000L) Long priceCents,
        @NotNull @PositiveOrZero Integer stock) {}
