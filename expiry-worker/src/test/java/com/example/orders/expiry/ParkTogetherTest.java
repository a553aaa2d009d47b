package com.example.orders.expiry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * New messages are parked in groups until the group's latest deadline: none may come back before its
 * own deadline, and none more than the window ({@code expiry.park-together}) after it.
 */
class ParkTogetherTest {

    private static List<List<Long>> groups(Long... deadlines) {
        return ParkingExpiryListener.together(List.of(deadlines), Long::longValue, 20);
    }

    @Test
    void deadlinesWithinTheToleranceOfTheEarliestShareOneParkingUntilTheLatest() {
        assertThat(groups(1_000L, 1_005L, 1_020L)).containsExactly(List.of(1_000L, 1_005L, 1_020L));
    }

    @Test
    void aDeadlineFurtherThanTheToleranceFromTheGroupsEarliestStartsANewGroup() {
        // 1,021 is within 20 ms of 1,005 but not of 1,000: a chain of close deadlines never stretches a group
        assertThat(groups(1_000L, 1_005L, 1_021L, 1_040L, 1_042L))
                .containsExactly(List.of(1_000L, 1_005L), List.of(1_021L, 1_040L), List.of(1_042L));
    }

    @Test
    void messagesArrivingOutOfDeadlineOrderAreGroupedByDeadline() {
        assertThat(groups(5_000L, 1_000L, 5_010L, 1_015L))
                .containsExactly(List.of(1_000L, 1_015L), List.of(5_000L, 5_010L));
    }

    @Test
    void noMessagesNoGroups() {
        assertThat(groups()).isEmpty();
    }
}
