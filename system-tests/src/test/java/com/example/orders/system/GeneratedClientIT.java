package com.example.orders.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.example.orders.client.ApiClient;
import com.example.orders.client.ApiException;
import com.example.orders.client.api.OrdersApi;
import com.example.orders.client.api.PaymentsApi;
import com.example.orders.client.api.ProductsApi;
import com.example.orders.client.model.Line;
import com.example.orders.client.model.Order;
import com.example.orders.client.model.OrderRequest;
import com.example.orders.client.model.PaymentRequest;
import com.example.orders.client.model.ProductRequest;
import com.example.orders.testsupport.PaymentSigner;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A storefront and a payment provider using the client openapi-generator made from docs/openapi.json
 * (the description the service serves, OpenApiIT), against the running service: the description is
 * complete enough to work with.
 */
class GeneratedClientIT {

    private final ApiClient client = new ApiClient()
            .setRequestInterceptor(
                    request -> request.header("Authorization", "Bearer " + SystemUnderTest.STOREFRONT_TOKEN));

    GeneratedClientIT() {
        client.updateBaseUri(SystemUnderTest.get().orderServiceUrl);
    }

    @Test
    void generatedClientCreatesAProductPlacesPaysAndCancelsOrders() throws Exception {
        var products = new ProductsApi(client);
        var orders = new OrdersApi(client);
        var payments = new PaymentsApi(client);
        String sku = "client-" + UUID.randomUUID().toString().substring(0, 8);

        products.putProduct(
                sku, new ProductRequest().name("Mug").priceCents(1250L).stock(10));
        OrderRequest twoMugs = new OrderRequest()
                .customerId("c-client")
                .items(List.of(new Line().sku(sku).quantity(2)));
        Order toPay = orders.placeOrder(twoMugs, UUID.randomUUID().toString());
        Order toCancel = orders.placeOrder(twoMugs, null);
        assertThat(products.getProduct(sku).getStock()).isEqualTo(6);

        PaymentRequest payment = new PaymentRequest().paymentId("pay-" + toPay.getId());
        Order paid = payments.payOrder(toPay.getId(), payment, Map.of("Payment-Signature", signed(payment)));
        Order cancelled = orders.cancelOrder(toCancel.getId());

        assertThat(paid.getStatus()).isEqualTo(Order.StatusEnum.PAID);
        assertThat(paid.getTotalCents()).isEqualTo(2500L);
        assertThat(cancelled.getStatus()).isEqualTo(Order.StatusEnum.CANCELLED);
        assertThat(cancelled.getClosedAt()).isNotNull();
        assertThat(orders.getOrder(toPay.getId()).getPaidAt()).isNotNull();
        assertThat(products.getProduct(sku).getStock())
                .as("10 less the paid order's 2")
                .isEqualTo(8);

        ApiException refused = catchThrowableOfType(ApiException.class, () -> orders.cancelOrder(toPay.getId()));
        assertThat(refused.getCode()).isEqualTo(409);
        assertThat(refused.getResponseBody()).contains("order-paid");
    }

    /** The provider signs the exact bytes the client sends: the client's own mapper writes them. */
    private String signed(PaymentRequest payment) throws Exception {
        String body = client.getObjectMapper().writeValueAsString(payment);
        return PaymentSigner.sign(SystemUnderTest.PAYMENT_SECRET, Instant.now().getEpochSecond(), body);
    }
}
