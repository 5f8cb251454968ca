package io.ferry.app.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.validation.lag.LagTracker;
import io.ferry.validation.lag.TableLag;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A read-only source's recheck: when the lag says what the source committed before the recheck began is applied. */
class ValidationCatchUpTest {

    private static final long FROM_US = 1_800_000_000_000_000L;

    private static TableLag lag(String table, long ms) {
        return new TableLag("pg", table, ms, -1, "0/1", 1, -1, ms < 0 ? "UNKNOWN" : "OK", "");
    }

    private static LagTracker.Snapshot at(long sourceNowUs, TableLag... tables) {
        return new LagTracker.Snapshot(Instant.EPOCH, List.of(tables), 0, true, sourceNowUs);
    }

    @Test
    void aTableHasCaughtUpOnceItsLagIsWithinTheTimeSinceTheRecheckBegan() {
        // 3 s later, a lag of 2 s: everything committed before now - 2 s, so before the start, is applied
        assertThat(Validation.caughtUpSince(at(FROM_US + 3_000_000, lag("users", 2_000), lag("orders", 3_000)), FROM_US)).isEmpty();
        // a lag of 4 s 3 s later: changes committed a second before the start may still be in flight
        assertThat(Validation.caughtUpSince(at(FROM_US + 3_000_000, lag("users", 2_000), lag("orders", 4_000)), FROM_US))
                .containsExactly("pg/orders (lag 4000 ms)");
    }

    @Test
    void anUnknownLagOrClockIsNotCaughtUp() {
        assertThat(Validation.caughtUpSince(at(FROM_US + 3_000_000, lag("users", -1)), FROM_US)).containsExactly("pg/users (lag unknown)");
        assertThat(Validation.caughtUpSince(at(-1, lag("users", 0)), FROM_US)).isNotEmpty();
        assertThat(Validation.caughtUpSince(at(FROM_US + 3_000_000), FROM_US)).as("no table yet").isNotEmpty();
    }
}
