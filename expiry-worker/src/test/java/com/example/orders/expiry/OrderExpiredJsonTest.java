package com.example.orders.expiry;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.orders.contracts.OrderExpired;
import com.example.orders.expiry.jdbc.OrderExpiredJson;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

/** The hand-written OrderExpired JSON is the document Jackson writes: a consumer cannot tell them apart. */
class OrderExpiredJsonTest {

    private final JsonMapper jackson = JsonMapper.builder().build();

    @ParameterizedTest
    @ValueSource(strings = {"mug", "quote\"back\\slash", "tab\tnew\nline\u0001", "\u8ba2\u5355-\uD83D\uDE00", ""})
    void handWrittenJsonIsTheDocumentJacksonWrites(String sku) {
        OrderExpired event = OrderExpired.of(
                "order-" + sku,
                Instant.parse("2026-12-01T19:55:19.030Z"),
                Instant.parse("2026-12-01T19:55:29Z"),
                List.of(new OrderExpired.Item(sku, 3), new OrderExpired.Item("other", 1)));

        String ours = OrderExpiredJson.write(event);

        assertThat(jackson.readTree(ours)).isEqualTo(jackson.readTree(jackson.writeValueAsString(event)));
        assertThat(jackson.readValue(ours, OrderExpired.class)).isEqualTo(event);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    void eventWithoutItemsOrDeadlineToo(int items) {
        OrderExpired event = OrderExpired.of(
                "o", null, Instant.now(), items == 0 ? List.of() : List.of(new OrderExpired.Item("s", 1)));

        assertThat(jackson.readTree(OrderExpiredJson.write(event)))
                .isEqualTo(jackson.readTree(jackson.writeValueAsString(event)));
    }
}
