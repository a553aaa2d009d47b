package com.example.orders.expiry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.example.orders.schema.SchemaGate;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;

/** The sweep is the backstop for lost messages: one order it cannot expire must not stop it. */
class ExpirySweepTest {

    private final ExpiryRepository orders = mock(ExpiryRepository.class);
    private final ExpiryTransaction expiry = mock(ExpiryTransaction.class);
    private final SchemaGate schema = mock(SchemaGate.class);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ExpirySweep sweep = new ExpirySweep(orders, expiry, schema, TestProperties.defaults(), meters);

    @Test
    void orderThatFailsToExpireDoesNotKeepTheSweepFromRescuingTheOthers() {
        when(schema.ready()).thenReturn(true);
        when(orders.overdue(anyLong(), anyInt())).thenReturn(List.of("stuck", "lost"));
        when(expiry.expire("stuck"))
                .thenThrow(new DataIntegrityViolationException("Out of range value for column 'stock'"));
        when(expiry.expire("lost")).thenReturn(new ExpiryOutcome.Expired(12_000));

        sweep.sweep();

        verify(expiry).expire("lost");
        assertThat(meters.counter("orders.expiry.sweep.rescued").count()).isEqualTo(1);
    }
}
