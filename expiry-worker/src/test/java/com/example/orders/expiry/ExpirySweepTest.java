package com.example.orders.expiry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.example.orders.expiry.jdbc.ExpiryOutcome;
import com.example.orders.schema.SchemaGate;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;

/** The sweep is the backstop for lost messages: one order it cannot expire must not stop it. */
class ExpirySweepTest {

    private final ExpiryRepository orders = mock(ExpiryRepository.class);
    private final ExpiryTransaction expiry = mock(ExpiryTransaction.class);
    private final QueueBacklog backlog = mock(QueueBacklog.class);
    private final SchemaGate schema = mock(SchemaGate.class);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final LateDeliveries late = new LateDeliveries(TestProperties.defaults(), meters);
    private final ExpirySweep sweep =
            new ExpirySweep(orders, expiry, backlog, late, schema, TestProperties.defaults(), meters);

    @BeforeEach
    void schemaIsThere() {
        when(schema.ready()).thenReturn(true);
    }

    @Test
    void orderThatFailsToExpireDoesNotKeepTheSweepFromRescuingTheOthers() {
        when(orders.overdue(anyLong(), anyInt())).thenReturn(List.of("stuck", "lost"));
        when(expiry.expireBatch(anyList()))
                .thenThrow(new DataIntegrityViolationException("Out of range value for column 'stock'"));
        when(expiry.expire("stuck"))
                .thenThrow(new DataIntegrityViolationException("Out of range value for column 'stock'"));
        when(expiry.expire("lost")).thenReturn(new ExpiryOutcome.Expired(12_000));

        sweep.sweep();
        sweep.sweep();

        verify(expiry).expire("lost");
        assertThat(meters.counter("orders.expiry.sweep.rescued").count()).isEqualTo(1);
    }

    @Test
    void orderSeenOverdueOnlyOnceIsLeftToItsMessageThatMayBeInFlight() {
        when(orders.overdue(anyLong(), anyInt())).thenReturn(List.of("in-flight"));

        sweep.sweep();

        verify(expiry, never()).expireBatch(anyList());
    }

    @Test
    void sweepDefersWhileExpiryMessagesAreQueued() {
        when(orders.overdue(anyLong(), anyInt())).thenReturn(List.of("queued"));
        when(backlog.waiting()).thenReturn(0L, 1500L, 0L);

        sweep.sweep(); // seen once
        sweep.sweep(); // a backlog: forgets what it saw
        sweep.sweep(); // seen once again

        verify(expiry, never()).expireBatch(anyList());
        assertThat(meters.counter("orders.expiry.sweep.rescued").count()).isZero();
    }

    @Test
    void orderWhoseMessageIsStillComingLateIsNotCountedAsLost() {
        // A burst the delay cascade dead-letters slower than the listener drains it: the work queue
        // looks empty, but messages keep arriving after the grace. They are late, not lost.
        when(orders.overdue(anyLong(), anyInt())).thenReturn(List.of("still-in-the-cascade"));

        sweep.sweep(); // seen once
        late.expired(12_000); // the listener expired another order of the burst 12 s late
        sweep.sweep(); // late messages are arriving: leaves it
        late.expired(15_000);
        sweep.sweep();

        verify(expiry, never()).expireBatch(anyList());
        assertThat(meters.counter("orders.expiry.sweep.rescued").count()).isZero();
    }

    @Test
    void lostMessageIsRescuedOnceLateMessagesStopComing() {
        when(orders.overdue(anyLong(), anyInt())).thenReturn(List.of("lost"));
        when(expiry.expireBatch(anyList())).thenReturn(java.util.Map.of("lost", new ExpiryOutcome.Expired(25_000)));

        late.expired(11_000);
        sweep.sweep(); // late ones arriving
        late.expired(300); // on time: not late
        sweep.sweep(); // seen once
        sweep.sweep(); // seen twice, nothing late came between

        verify(expiry).expireBatch(List.of("lost"));
        assertThat(meters.counter("orders.expiry.sweep.rescued").count()).isEqualTo(1);
        assertThat(meters.counter("orders.expiry.late.deliveries").count()).isEqualTo(1);
    }
}
