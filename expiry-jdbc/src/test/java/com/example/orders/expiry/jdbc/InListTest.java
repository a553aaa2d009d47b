package com.example.orders.expiry.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Batches of any size share a handful of statement texts, so the driver's statement cache holds them all. */
class InListTest {

    private final InList in = new InList("SELECT id FROM orders WHERE id IN (%s)");

    @Test
    void batchSizesArePaddedToTheNextPowerOfTwo() {
        assertThat(placeholders(in.sql(1))).isEqualTo(1);
        assertThat(placeholders(in.sql(3))).isEqualTo(4);
        assertThat(placeholders(in.sql(100))).isEqualTo(128);
        assertThat(placeholders(in.sql(128))).isEqualTo(128);
    }

    @Test
    void everyBatchSizeFrom65To128UsesOneText() {
        assertThat(IntStream.rangeClosed(65, 128).mapToObj(in::sql).distinct()).hasSize(1);
    }

    private static long placeholders(String sql) {
        return sql.chars().filter(c -> c == '?').count();
    }
}
