package com.example.orders.cancel;

import com.example.orders.order.Order;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
class CancelController {

    private final CancelService cancels;

    CancelController(CancelService cancels) {
        this.cancels = cancels;
    }

    /** The customer cancels an unpaid order; its stock comes back at once. Repeating it is harmless. */
    @PostMapping("/api/orders/{id}/cancel")
    Order cancel(@PathVariable String id) {
        return cancels.cancel(id);
    }
}
