package com.example.orders.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class KneeTest {

    @Test
    void theKneeIsTheLastStepThatStillAddedThroughput() {
        assertThat(Knee.index(List.of(100.0, 190.0, 350.0, 360.0, 355.0), 0.05)).isEqualTo(2);
    }

    @Test
    void whenThroughputKeepsRisingTheLastStepIsReportedAsStillRising() {
        List<Double> rising = List.of(100.0, 200.0, 400.0);
        int knee = Knee.index(rising, 0.05);
        assertThat(knee).isEqualTo(2);
        assertThat(Knee.stillRising(rising, knee)).isTrue();
    }

    @Test
    void aDropRightAfterTheFirstStepPutsTheKneeAtTheFirstStep() {
        assertThat(Knee.index(List.of(300.0, 250.0), 0.05)).isZero();
        assertThat(Knee.index(List.of(), 0.05)).isEqualTo(-1);
    }
}
