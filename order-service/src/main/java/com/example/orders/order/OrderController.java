package com.example.orders.order;

import com.example.orders.web.NotFoundException;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/orders")
@Validated
class OrderController {

    private final OrderService service;
    private final OrderRepository orders;

    OrderController(OrderService service, OrderRepository orders) {
        this.service = service;
        this.orders = orders;
    }

    /** Places an order; the same Idempotency-Key again answers with the first order, unchanged. */
    @PostMapping
    ResponseEntity<Order> place(
            @Valid @RequestBody OrderRequest request,
            @RequestHeader(name = "Idempotency-Key", required = false) @Size(min = 1, max = 128)
                    String idempotencyKey) {
        OrderService.Placed placed = service.place(request, idempotencyKey);
        return ResponseEntity.status(HttpStatus.CREATED)
                .location(URI.create("/api/orders/" + placed.order().id()))
                .header("Idempotent-Replayed", String.valueOf(!placed.created()))
                .body(placed.order());
    }

    @GetMapping("/{id}")
    Order get(@PathVariable String id) {
        return orders.find(id).orElseThrow(() -> new NotFoundException("order", id));
    }
}
