package com.example.orders.product;

import com.example.orders.web.InvalidRequestException;
import com.example.orders.web.NotFoundException;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.annotation.Transactional;
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
class ProductController {

    static final String SKU_PATTERN = "[A-Za-z0-9._:-]{1,64}";

    private final ProductRepository products;

    ProductController(ProductRepository products) {
        this.products = products;
    }

    @PutMapping("/{sku}")
    @Transactional
    ResponseEntity<Product> put(
            @PathVariable @Pattern(regexp = SKU_PATTERN) String sku, @Valid @RequestBody ProductRequest request) {
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
    Product get(@PathVariable String sku) {
        return products.find(sku).orElseThrow(() -> new NotFoundException("product", sku));
    }
}
