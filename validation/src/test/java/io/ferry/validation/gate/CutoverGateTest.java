package io.ferry.validation.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.validation.lag.TableLag;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CutoverGateTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    /** Evaluated sparsely here: no bound on the gap between evaluations but where a test says so. */
    private final CutoverGate gate = new CutoverGate(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofHours(1), Duration.ofDays(1));
    private final Optional<ValidationSummary> clean = Optional.of(new ValidationSummary(T0, true, ""));

    private static TableLag lag(long ms) {
        return new TableLag("pg", "users", ms, 0, "0/1", 1, 1, "OK", ms < 0 ? "no heartbeat yet" : "");
    }

    @Test
    void readyOnlyAfterTheLagStayedLowForTheWholeWindow() {
        assertThat(gate.evaluate(T0, List.of(lag(500)), 0, List.of(), clean).ready()).isFalse();
        GateState at29 = gate.evaluate(T0.plusSeconds(29), List.of(lag(800)), 0, List.of(), clean);
        assertThat(at29.reasons()).singleElement().asString().contains("for 29 s");
        assertThat(gate.evaluate(T0.plusSeconds(30), List.of(lag(800)), 0, List.of(), clean).ready()).isTrue();
    }

    @Test
    void aSpikeRestartsTheWindow() {
        gate.evaluate(T0, List.of(lag(500)), 0, List.of(), clean);
        assertThat(gate.evaluate(T0.plusSeconds(20), List.of(lag(1500)), 0, List.of(), clean).reasons()).singleElement().asString()
                .contains("1500 ms, above");
        gate.evaluate(T0.plusSeconds(21), List.of(lag(500)), 0, List.of(), clean);
        assertThat(gate.evaluate(T0.plusSeconds(40), List.of(lag(500)), 0, List.of(), clean).ready()).isFalse();
        assertThat(gate.evaluate(T0.plusSeconds(51), List.of(lag(500)), 0, List.of(), clean).ready()).isTrue();
    }

    @Test
    void theWindowIsTimedOnTheMonotonicClockNotTheWallClock() {
        long second = 1_000_000_000L;
        gate.evaluate(T0, 0, List.of(lag(500)), 0, List.of(), clean);
        // the wall clock steps an hour ahead (NTP, a resumed VM) while 5 s pass
        GateState stepped = gate.evaluate(T0.plus(Duration.ofHours(1)), 5 * second, List.of(lag(500)), 0, List.of(),
                Optional.of(new ValidationSummary(T0.plus(Duration.ofHours(1)), true, "")));
        assertThat(stepped.ready()).isFalse();
        assertThat(stepped.reasons()).singleElement().asString().contains("for 5 s");
        assertThat(gate.evaluate(T0.plus(Duration.ofHours(1)), 30 * second, List.of(lag(500)), 0, List.of(),
                Optional.of(new ValidationSummary(T0.plus(Duration.ofHours(1)), true, ""))).ready()).isTrue();
    }

    @Test
    void aGapBetweenEvaluationsStartsTheWindowAgain() {
        CutoverGate everySecond = new CutoverGate(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofHours(1));
        long second = 1_000_000_000L;
        for (int s = 0; s <= 10; s++) {
            everySecond.evaluate(T0, s * second, List.of(lag(500)), 0, List.of(), clean);
        }
        // nothing looked for 20 s (a stalled scheduler): that time does not count towards the window
        GateState after = everySecond.evaluate(T0, 30 * second, List.of(lag(500)), 0, List.of(), clean);
        assertThat(after.ready()).isFalse();
        assertThat(after.reasons()).singleElement().asString().contains("for 0 s");
        for (int s = 31; s <= 60; s++) {
            after = everySecond.evaluate(T0, s * second, List.of(lag(500)), 0, List.of(), clean);
        }
        assertThat(after.ready()).isTrue();
    }

    @Test
    void listsEveryReason() {
        GateState s = gate.evaluate(T0, List.of(lag(-1)), 3, List.of("capture is SNAPSHOTTING"),
                Optional.of(new ValidationSummary(T0, false, "users: 2 missing")));
        assertThat(s.state()).isEqualTo("NOT_READY");
        assertThat(s.reasons()).hasSize(4).anyMatch(r -> r.contains("unknown")).anyMatch(r -> r.contains("dead-letter"))
                .anyMatch(r -> r.contains("SNAPSHOTTING")).anyMatch(r -> r.contains("2 missing"));
    }

    @Test
    void anOldOrMissingValidationBlocks() {
        gate.evaluate(T0, List.of(lag(0)), 0, List.of(), clean);
        assertThat(gate.evaluate(T0.plusSeconds(60), List.of(lag(0)), 0, List.of(), Optional.empty()).reasons())
                .containsExactly("no validation has run yet");
        assertThat(gate.evaluate(T0.plus(Duration.ofHours(2)), List.of(lag(0)), 0, List.of(), clean).reasons()).singleElement()
                .asString().contains("began more than 60 min ago");
    }
}
