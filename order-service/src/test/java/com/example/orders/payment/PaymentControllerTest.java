package com.example.orders.payment;

import static com.example.orders.web.ProblemMatchers.invalid;
import static com.example.orders.web.ProblemMatchers.problem;
import static org.hamcrest.Matchers.endsWith;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;

import com.example.orders.security.SliceSecurity;
import com.example.orders.web.ConflictException;
import com.example.orders.web.NotFoundException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

/**
 * {@code POST /api/orders/{id}/payment}, signed as a payment provider signs it, through the real
 * signature filter, controller, validation and error handler, with the database left out.
 */
@WebMvcTest(
        controllers = PaymentController.class,
        properties = {SliceSecurity.TOKENS, SliceSecurity.SECRETS})
@Import(SliceSecurity.class)
class PaymentControllerTest {

    @Autowired
    private MockMvc mvc;

    @MockitoBean
    private PaymentService payments;

    @Test
    void aPaymentWithoutPaymentIdIsA400NamingItAndPaysNothing() throws Exception {
        pay("o-1", "{}").andExpect(invalid("paymentId"));
        verify(payments, never()).pay(anyString(), anyString());
    }

    @Test
    void aBodyBoundToAnotherOrderIsA400NamingOrderIdAndPaysNothing() throws Exception {
        pay("o-1", "{\"paymentId\":\"pay-1\",\"orderId\":\"o-2\"}").andExpect(invalid("orderId"));
        verify(payments, never()).pay(anyString(), anyString());
    }

    @Test
    void anUnknownOrderIsA404Problem() throws Exception {
        when(payments.pay("o-unknown", "pay-1")).thenThrow(new NotFoundException("order", "o-unknown"));

        pay("o-unknown", "{\"paymentId\":\"pay-1\"}")
                .andExpect(problem(404))
                .andExpect(jsonPath("$.order").value("o-unknown"));
    }

    @Test
    void aRefusedPaymentIsA409ProblemWithItsType() throws Exception {
        when(payments.pay("o-1", "pay-1"))
                .thenThrow(new ConflictException("order-expired", "Payment refused", "The order expired"));

        pay("o-1", "{\"paymentId\":\"pay-1\"}")
                .andExpect(problem(409))
                .andExpect(jsonPath("$.type").value(endsWith("/order-expired")))
                .andExpect(jsonPath("$.title").value("Payment refused"));
    }

    @Test
    void anUnsignedPaymentIsA401AndPaysNothing() throws Exception {
        mvc.perform(post("/api/orders/{id}/payment", "o-1")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"paymentId\":\"pay-1\"}"))
                .andExpect(problem(401));
        verify(payments, never()).pay(anyString(), anyString());
    }

    private ResultActions pay(String orderId, String body) throws Exception {
        return mvc.perform(post("/api/orders/{id}/payment", orderId)
                .header("Payment-Signature", SliceSecurity.paymentSignature(body))
                .contentType(MediaType.APPLICATION_JSON)
                .content(body));
    }
}
