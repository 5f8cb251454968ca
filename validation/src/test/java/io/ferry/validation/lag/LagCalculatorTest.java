package io.ferry.validation.lag;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.event.Marker;
import io.ferry.core.event.SourceInfo;
import io.ferry.core.topic.AppliedPosition;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LagCalculatorTest {

    private static final LagTarget USERS = new LagTarget("pg", "users", "ferry.p.target.pg.users");
    private static final long SECOND_US = 1_000_000;
    private static final long T0 = 1_700_000_000L * SECOND_US;

    private final LagCalculator calc = new LagCalculator("postgres", false, Duration.ofSeconds(30), Duration.ofMinutes(2));
    private final Map<String, AppliedPosition> positions = new HashMap<>();

    private void applied(int partition, long markerId, long markerTsUs, long lsn) {
        SourceInfo at = new SourceInfo("db", "0/" + Long.toHexString(lsn), lsn, "1", 0, markerTsUs, false);
        positions.put(LagCalculator.key("pg", USERS.topic(), partition), new AppliedPosition("p", "pg", USERS.topic(), partition, 10, at,
                markerId < 0 ? null : new Marker(markerId, markerTsUs, Marker.Kind.HEARTBEAT), 5, Instant.now()));
    }

    private TableLag lag(long sourceNowUs, long currentLsn) {
        return calc.compute(List.of(USERS), positions, Map.of(USERS.topic(), 2), new SourceClock.Sample(sourceNowUs, currentLsn, 0), 0)
                .get(0);
    }

    @Test
    void followsTheSlowestPartitionsHeartbeatOnTheSourcesClock() {
        applied(0, 12, T0 + 12 * SECOND_US, 5000);
        applied(1, 10, T0 + 10 * SECOND_US, 4000);
        TableLag l = lag(T0 + 13 * SECOND_US, 6000);
        assertThat(l.lagMs()).isEqualTo(3_000);
        assertThat(l.markerId()).isEqualTo(10);
        assertThat(l.logDistance()).as("from the partition furthest behind").isEqualTo(2000);
        assertThat(l.rowsApplied()).isEqualTo(10);
        assertThat(l.state()).isEqualTo("OK");
    }

    @Test
    void timeSinceTheSampleOnlyAddsLag() {
        applied(0, 1, T0, 10);
        applied(1, 1, T0, 10);
        SourceClock.Sample sample = new SourceClock.Sample(T0 + SECOND_US, 10, 1_000_000_000L);
        TableLag later = calc.compute(List.of(USERS), positions, Map.of(USERS.topic(), 2), sample, 3_000_000_000L).get(0);
        assertThat(later.lagMs()).isEqualTo(3_000);
    }

    @Test
    void unknownUntilEveryPartitionHasSeenAHeartbeat() {
        applied(0, 3, T0, 10);
        TableLag l = lag(T0, 10);
        assertThat(l.known()).isFalse();
        assertThat(l.detail()).contains("1 of 2 partitions");
        applied(1, -1, T0, 10);
        assertThat(lag(T0, 10).known()).isFalse();
    }

    @Test
    void unknownWithoutTheSourcesClockOrTheTopic() {
        applied(0, 3, T0, 10);
        applied(1, 3, T0, 10);
        assertThat(calc.compute(List.of(USERS), positions, Map.of(USERS.topic(), 2), null, 0).get(0).detail())
                .contains("cannot be reached");
        assertThat(calc.compute(List.of(USERS), positions, Map.of(), new SourceClock.Sample(T0, 1, 0), 0).get(0).detail())
                .contains("no target topic");
    }

    @Test
    void withoutTheSourcesClockTheHeartbeatPassedIsStillOnlyOneEveryPartitionPassed() {
        applied(0, 7, T0, 10);
        applied(1, 5, T0, 10);
        TableLag both = calc.compute(List.of(USERS), positions, Map.of(USERS.topic(), 2), null, 0).get(0);
        assertThat(both.known()).isFalse();
        assertThat(both.markerId()).isEqualTo(5);
        // partition 1's sink restarted: its new position has no heartbeat yet
        applied(1, -1, T0, 10);
        TableLag one = calc.compute(List.of(USERS), positions, Map.of(USERS.topic(), 2), null, 0).get(0);
        assertThat(one.markerId()).as("a drain must not take partition 0's heartbeat for the table's").isEqualTo(-1);
        positions.remove(LagCalculator.key("pg", USERS.topic(), 1));
        assertThat(calc.compute(List.of(USERS), positions, Map.of(USERS.topic(), 2), null, 0).get(0).markerId()).isEqualTo(-1);
    }

    @Test
    void levelsFollowTheThresholds() {
        applied(0, 3, T0, 10);
        applied(1, 3, T0, 10);
        assertThat(lag(T0 + 31 * SECOND_US, 10).state()).isEqualTo("WARN");
        assertThat(lag(T0 + 121 * SECOND_US, 10).state()).isEqualTo("CRITICAL");
    }

    @Test
    void aReadOnlySourceUsesTheOldestAppliedChangeAndSaysSo() {
        LagCalculator readOnly = new LagCalculator("postgres", true, Duration.ofSeconds(30), Duration.ofMinutes(2));
        applied(0, -1, T0 + 5 * SECOND_US, 10);
        applied(1, -1, T0 + 2 * SECOND_US, 10);
        TableLag l = readOnly.compute(List.of(USERS), positions, Map.of(USERS.topic(), 2), new SourceClock.Sample(T0 + 4 * SECOND_US, 10, 0), 0)
                .get(0);
        assertThat(l.lagMs()).isEqualTo(2_000);
        assertThat(l.detail()).contains("read-only");
    }

    /**
     * Read-only, a target partition fed by two transform tasks: a fast task's fresh row is partition 0's last applied
     * change, while the slow task still holds changes from 8 s ago. The heartbeat that passed every partition (aligned
     * across the tasks) says so; the partitions' last applied changes did not.
     */
    @Test
    void aReadOnlySourceWithHeartbeatsOnEveryPartitionFollowsTheSlowestHeartbeat() {
        LagCalculator readOnly = new LagCalculator("postgres", true, Duration.ofSeconds(30), Duration.ofMinutes(2));
        SourceInfo fresh = new SourceInfo("db", "0/20", 20, "1", 0, T0 + 9 * SECOND_US, false);
        for (int p = 0; p < 2; p++) {
            positions.put(LagCalculator.key("pg", USERS.topic(), p), new AppliedPosition("p", "pg", USERS.topic(), p, 10, fresh,
                    new Marker(7, T0 + 2 * SECOND_US, Marker.Kind.HEARTBEAT), 5, Instant.now()));
        }
        TableLag l = readOnly.compute(List.of(USERS), positions, Map.of(USERS.topic(), 2), new SourceClock.Sample(T0 + 10 * SECOND_US, 30, 0),
                0).get(0);
        assertThat(l.lagMs()).isEqualTo(8_000);
        assertThat(l.detail()).contains("read-only").contains("Debezium's heartbeats");
    }

    @Test
    void logPositionsAsNumbers() {
        assertThat(SourceClock.lsn("16/B374D848")).isEqualTo((0x16L << 32) + 0xB374D848L);
        assertThat(SourceClock.lsn(null)).isEqualTo(-1);
        long current = SourceClock.binlogOrder("mysql-bin.000003", 5000);
        assertThat(SourceClock.distance("mysql", current, (3L << 48) | (4000L << 16) | 7)).isEqualTo(1000);
        assertThat(SourceClock.distance("mysql", current, (2L << 48) | (4000L << 16))).isEqualTo(-1);
    }

    @Test
    void aLagReadLaterGrowsByItsAgeAndTurnsCriticalWhenTheTrackerIsStuck() {
        applied(0, 1, T0, 10);
        applied(1, 1, T0, 10);
        TableLag computed = lag(T0 + SECOND_US, 10);
        assertThat(computed.lagMs()).isEqualTo(1_000);

        TableLag soon = calc.aged(computed, 2_000, 10_000);
        assertThat(soon.lagMs()).isEqualTo(3_000);
        assertThat(soon.detail()).isEmpty();
        assertThat(soon.markerId()).isEqualTo(computed.markerId());

        // Kafka restarting for three minutes: nothing new is known, so the bound has grown by all of it
        TableLag stuck = calc.aged(computed, 180_000, 10_000);
        assertThat(stuck.lagMs()).isEqualTo(181_000);
        assertThat(stuck.state()).isEqualTo("CRITICAL");
        assertThat(stuck.detail()).contains("last computed 180 s ago");
    }

    @Test
    void anUnknownLagStaysUnknownWithAge() {
        applied(0, 3, T0, 10);
        TableLag unknown = lag(T0, 10);
        TableLag later = calc.aged(unknown, 60_000, 10_000);
        assertThat(later.known()).isFalse();
        assertThat(later.state()).isEqualTo("UNKNOWN");
        assertThat(later.detail()).startsWith(unknown.detail()).contains("last computed 60 s ago");
    }
}
