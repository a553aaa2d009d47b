package com.example.orders.product;

import com.example.orders.transaction.TransactionRetry;
import com.example.orders.web.ApiProblems;
import com.example.orders.web.InvalidRequestException;
import com.example.orders.web.NotFoundException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/products")
@Validated
@Tag(name = "products")
class ProductController {

    static final String SKU_PATTERN = "[A-Za-z0-9._:-]{1,64}";

    private final ProductRepository products;
    private final TransactionTemplate transaction;
    private final TransactionRetry.Place attempts;

    ProductController(ProductRepository products, TransactionTemplate transaction, TransactionRetry retry) {
        this.products = products;
        this.transaction = transaction;
        this.attempts = retry.place("product-put");
    }

    @PutMapping("/{sku}")
    @Operation(
            operationId = "putProduct",
            summary = "Create or replace a product",
            description = "Sets the product's name, price and the stock that can still be ordered (stock held by"
                    + " unpaid orders comes on top and returns to it when they expire or are cancelled).")
    @ApiResponse(
            responseCode = "200",
            description = "The product existed and was replaced",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = Product.class)))
    @ApiResponse(
            responseCode = "201",
            description = "The product was created",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = Product.class)))
    @ApiResponse(responseCode = "400", ref = ApiProblems.BAD_REQUEST_REF)
    ResponseEntity<Product> put(
            @Parameter(description = "the product's sku", example = "mug") @PathVariable @Pattern(regexp = SKU_PATTERN)
                    String sku,
            @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            content =
                                    @Content(
                                            mediaType = "application/json",
                                            schema = @Schema(implementation = ProductRequest.class),
                                            examples =
                                                    @ExampleObject(
                                                            name = "mug",
                                                            value =
                                                                    "{\"name\":\"Mug\",\"priceCents\":1250,\"stock\":10}")))
                    @Valid
                    @RequestBody
                    ProductRequest request) {
        return attempts.run(() -> transaction.execute(tx -> replace(sku, request)));
    }

    private ResponseEntity<Product> replace(String sku, ProductRequest request) {
        long held = products.heldByPendingOrders(sku);
        if (request.stock() + held > Integer.MAX_VALUE) {
            // The stock column is an int: expiring those orders could not give their stock back.
            throw new InvalidRequestException(
                    "stock", "plus the %d held by unpaid orders must not exceed %d".formatted(held, Integer.MAX_VALUE));
        }
        boolean created = products.upsert(sku, request);
        Product product = products.find(sku).orElseThrow();
        return ResponseEntity.status(created ? HttpStatus.CREATED : HttpStatus.OK)
                .body(product);
    }

    @GetMapping("/{sku}")
    @Operation(operationId = "getProduct", summary = "Read a product and the stock that can still be ordered")
    @ApiResponse(
            responseCode = "200",
            description = "The product",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = Product.class)))
    @ApiResponse(responseCode = "404", ref = ApiProblems.NOT_FOUND_REF)
    Product get(@Parameter(description = "the product's sku", example = "mug") @PathVariable String sku) {
        return products.find(sku).orElseThrow(() -> new NotFoundException("product", sku));
    }
}
