package com.example.orders.product;

import static com.example.orders.web.ProblemMatchers.invalid;
import static com.example.orders.web.ProblemMatchers.problem;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;

import com.example.orders.security.SliceSecurity;
import com.example.orders.transaction.SliceTransactions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

/**
 * {@code PUT} and {@code GET /api/products/{sku}} through the real controller, validation, security
 * chain and error handler, with the database left out: an invalid product is a 400 naming the field
 * and is not written; an unknown one is a 404.
 */
@WebMvcTest(
        controllers = ProductController.class,
        properties = {SliceSecurity.TOKENS, SliceSecurity.SECRETS})
@Import({SliceSecurity.class, SliceTransactions.class})
class ProductControllerTest {

    @Autowired
    private MockMvc mvc;

    @MockitoBean
    private ProductRepository products;

    static Stream<Arguments> invalidProducts() {
        return Stream.of(
                Arguments.of("negative stock", "{\"name\":\"n\",\"priceCents\":1,\"stock\":-1}", "stock"),
                Arguments.of("negative price", "{\"name\":\"n\",\"priceCents\":-1,\"stock\":1}", "priceCents"),
                Arguments.of("no name", "{\"priceCents\":1,\"stock\":1}", "name"),
                Arguments.of("stock as text", "{\"name\":\"n\",\"priceCents\":1,\"stock\":\"many\"}", "stock"),
                Arguments.of("stock beyond int", "{\"name\":\"n\",\"priceCents\":1,\"stock\":2147483648}", "stock"),
                Arguments.of("not JSON", "{\"name\":", "body"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidProducts")
    void invalidProductIsA400ProblemNamingTheFieldAndIsNotWritten(String what, String body, String field)
            throws Exception {
        put("mug", body).andExpect(invalid(field));
        verify(products, never()).upsert(anyString(), any());
    }

    @Test
    void aSkuOutsideThePatternIsA400NamingIt() throws Exception {
        put("mug with spaces", "{\"name\":\"n\",\"priceCents\":1,\"stock\":1}").andExpect(invalid("sku"));
        verify(products, never()).upsert(anyString(), any());
    }

    @Test
    void stockThatWithWhatUnpaidOrdersHoldWouldOverflowIsA400AboutStock() throws Exception {
        when(products.heldByPendingOrders("mug")).thenReturn(10L);

        put("mug", "{\"name\":\"n\",\"priceCents\":1,\"stock\":2147483647}").andExpect(invalid("stock"));
        verify(products, never()).upsert(anyString(), any());
    }

    @Test
    void anUnknownProductIsA404Problem() throws Exception {
        mvc.perform(get("/api/products/no-such-sku").header(HttpHeaders.AUTHORIZATION, SliceSecurity.BEARER))
                .andExpect(problem(404))
                .andExpect(jsonPath("$.product").value("no-such-sku"));
    }

    private ResultActions put(String sku, String body) throws Exception {
        return mvc.perform(
                org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put("/api/products/{sku}", sku)
                        .header(HttpHeaders.AUTHORIZATION, SliceSecurity.BEARER)
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(body));
    }
}
