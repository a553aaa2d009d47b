package com.example.orders.order;

import static com.example.orders.web.ProblemMatchers.invalid;
import static com.example.orders.web.ProblemMatchers.problem;
import static org.hamcrest.Matchers.endsWith;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;

import com.example.orders.outbox.Outbox;
import com.example.orders.security.SliceSecurity;
import com.example.orders.transaction.SliceTransactions;
import com.example.orders.web.ConflictException;
import com.example.orders.web.NotFoundException;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
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
 * {@code POST /api/orders} and {@code GET /api/orders/{id}} through the real controller, validation,
 * {@link OrderService}, security chain and error handler, with the database left out: the bad-input
 * table of system-tests' BadInputIT, each answer a problem naming the field, nothing reserved or saved.
 */
@WebMvcTest(
        controllers = OrderController.class,
        properties = {SliceSecurity.TOKENS, SliceSecurity.SECRETS})
@Import({OrderService.class, SliceSecurity.class, SliceTransactions.class})
class OrderControllerTest {

    private static final String SKU = "mug";

    @Autowired
    private MockMvc mvc;

    @MockitoBean
    private OrderRepository orders;

    @MockitoBean
    private StockReservation stock;

    @MockitoBean
    private Outbox outbox;

    static Stream<Arguments> invalidOrders() {
        return Stream.of(
                Arguments.of("not JSON", "{\"customerId\":", "body"),
                Arguments.of("empty body", "", "body"),
                Arguments.of("no items", "{\"customerId\":\"c\",\"items\":[]}", "items"),
                Arguments.of("items missing", "{\"customerId\":\"c\"}", "items"),
                Arguments.of("no customer", "{\"items\":[{\"sku\":\"SKU\",\"quantity\":1}]}", "customerId"),
                Arguments.of(
                        "zero quantity",
                        "{\"customerId\":\"c\",\"items\":[{\"sku\":\"SKU\",\"quantity\":0}]}",
                        "items[0].quantity"),
                Arguments.of(
                        "negative quantity",
                        "{\"customerId\":\"c\",\"items\":[{\"sku\":\"SKU\",\"quantity\":-2}]}",
                        "items[0].quantity"),
                Arguments.of(
                        "quantity beyond int",
                        "{\"customerId\":\"c\",\"items\":[{\"sku\":\"SKU\",\"quantity\":99999999999}]}",
                        "items[0].quantity"),
                Arguments.of(
                        "quantity as text",
                        "{\"customerId\":\"c\",\"items\":[{\"sku\":\"SKU\",\"quantity\":\"two\"}]}",
                        "items[0].quantity"),
                Arguments.of(
                        "sku twice",
                        "{\"customerId\":\"c\",\"items\":[{\"sku\":\"SKU\",\"quantity\":1},{\"sku\":\"SKU\",\"quantity\":1}]}",
                        "items[1].sku"),
                Arguments.of(
                        "payment window below the minimum",
                        "{\"customerId\":\"c\",\"items\":[{\"sku\":\"SKU\",\"quantity\":1}],\"paymentTimeout\":\"PT0.5S\"}",
                        "paymentTimeout"),
                Arguments.of(
                        "payment window above the maximum",
                        "{\"customerId\":\"c\",\"items\":[{\"sku\":\"SKU\",\"quantity\":1}],\"paymentTimeout\":\"P2D\"}",
                        "paymentTimeout"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidOrders")
    void invalidOrderIsA400ProblemNamingTheField(String what, String body, String field) throws Exception {
        place(body.replace("SKU", SKU)).andExpect(invalid(field));
        verify(stock, never()).reserve(anyList());
    }

    @Test
    void unknownSkuIsA404ProblemAndNothingIsSaved() throws Exception {
        when(stock.reserve(anyList())).thenThrow(new NotFoundException("product", "no-such-sku"));

        place(
                        "{\"customerId\":\"c\",\"items\":[{\"sku\":\"mug\",\"quantity\":1},{\"sku\":\"no-such-sku\",\"quantity\":1}]}")
                .andExpect(problem(404))
                .andExpect(jsonPath("$.product").value("no-such-sku"));
        nothingSaved();
    }

    @Test
    void moreThanInStockIsA409ProblemAndNothingIsSaved() throws Exception {
        when(stock.reserve(anyList()))
                .thenThrow(new ConflictException("insufficient-stock", "Not enough stock", "Only 50 of mug left"));

        place("{\"customerId\":\"c\",\"items\":[{\"sku\":\"mug\",\"quantity\":51}]}")
                .andExpect(problem(409))
                .andExpect(jsonPath("$.type").value(endsWith("/insufficient-stock")));
        nothingSaved();
    }

    @Test
    void aTotalBeyondALongIsA400AboutItemsAndNothingIsSaved() throws Exception {
        // Ten lines at the price and quantity limits: 10 x 10^12 x 10^6 cents overflows a long.
        List<Order.Item> priced = IntStream.range(0, 10)
                .mapToObj(i -> new Order.Item("sku-" + i, OrderRequest.MAX_QUANTITY, 1_000_000_000_000L))
                .toList();
        when(stock.reserve(anyList()))
                .thenReturn(new StockReservation.Reserved(priced, java.time.LocalDateTime.of(2026, 12, 7, 12, 0)));
        String lines = String.join(
                ",",
                IntStream.range(0, 10)
                        .mapToObj(i -> "{\"sku\":\"sku-" + i + "\",\"quantity\":" + OrderRequest.MAX_QUANTITY + "}")
                        .toList());

        place("{\"customerId\":\"c\",\"items\":[" + lines + "]}").andExpect(invalid("items"));
        nothingSaved();
    }

    @Test
    void anOrderSentAsPlainTextIsA415Problem() throws Exception {
        mvc.perform(post("/api/orders")
                        .header(HttpHeaders.AUTHORIZATION, SliceSecurity.BEARER)
                        .contentType(MediaType.TEXT_PLAIN)
                        .content("{}"))
                .andExpect(problem(415));
        verify(stock, never()).reserve(anyList());
    }

    @Test
    void aMethodTheOrderDoesNotTakeIsA405ProblemSayingWhichItTakes() throws Exception {
        mvc.perform(put("/api/orders/some-order").header(HttpHeaders.AUTHORIZATION, SliceSecurity.BEARER))
                .andExpect(problem(405))
                .andExpect(header().string(HttpHeaders.ALLOW, "GET"));
    }

    @Test
    void aPathThatNamesNoResourceIsA404Problem() throws Exception {
        mvc.perform(get("/api/orders/some-order/items").header(HttpHeaders.AUTHORIZATION, SliceSecurity.BEARER))
                .andExpect(problem(404));
    }

    @Test
    void anIdempotencyKeyOver128CharactersIsA400NamingIt() throws Exception {
        mvc.perform(post("/api/orders")
                        .header(HttpHeaders.AUTHORIZATION, SliceSecurity.BEARER)
                        .header("Idempotency-Key", "k".repeat(129))
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"customerId\":\"c\",\"items\":[{\"sku\":\"mug\",\"quantity\":1}]}"))
                .andExpect(invalid("idempotencyKey"));
        verify(stock, never()).reserve(anyList());
    }

    @Test
    void anUnknownOrderIsA404Problem() throws Exception {
        mvc.perform(get("/api/orders/no-such-order").header(HttpHeaders.AUTHORIZATION, SliceSecurity.BEARER))
                .andExpect(problem(404))
                .andExpect(jsonPath("$.order").value("no-such-order"));
    }

    @Test
    void withoutTheStorefrontTokenNothingIsReserved() throws Exception {
        mvc.perform(post("/api/orders")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"customerId\":\"c\",\"items\":[{\"sku\":\"mug\",\"quantity\":1}]}"))
                .andExpect(problem(401));
        verify(stock, never()).reserve(anyList());
    }

    @AfterEach
    void noEventWithoutAnOrder() {
        verify(outbox, never()).orderCreated(anyString(), anyString(), anyLong(), any(), any());
    }

    private ResultActions place(String body) throws Exception {
        return mvc.perform(post("/api/orders")
                .header(HttpHeaders.AUTHORIZATION, SliceSecurity.BEARER)
                .contentType(MediaType.APPLICATION_JSON)
                .content(body));
    }

    private void nothingSaved() {
        verify(orders, never()).insert(anyString(), anyString(), anyLong(), any(), anyLong(), any());
        verify(orders, never()).insertItem(anyString(), any());
    }
}
