package io.ferry.validation.gate;

import io.ferry.core.config.ValidationSettings;
import io.ferry.validation.lag.TableLag;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides whether the pipeline can be cut over: every sink's table has had a known lag at or below the
 * threshold for the whole stable window, a clean validation is recent enough, no record went to the
 * dead-letter topic, and every stage is healthy and done snapshotting. Feed it every evaluation in time
 * order: it remembers since when each table's lag has been low. Thread-safe.
 */
public final class CutoverGate {

    private final Duration threshold;
    private final Duration stableFor;
    private final Duration maxValidationAge;
    /** Evaluations further apart than this do not make a stable window: it starts again. */
    static final Duration MAX_GAP = Duration.ofSeconds(15);
    private final Duration maxGap;
    private long lastEvaluated = Long.MIN_VALUE;
    /** Per table, since when (monotonic nanoseconds) its lag has been at or below the threshold. */
    private final Map<String, Long> lowSince = new HashMap<>();

    public CutoverGate(Duration threshold, Duration stableFor, Duration maxValidationAge) {
        this(threshold, stableFor, maxValidationAge, MAX_GAP);
    }

    /** With another bound on the gap between evaluations (tests that evaluate sparsely). */
    CutoverGate(Duration threshold, Duration stableFor, Duration maxValidationAge, Duration maxGap) {
        this.threshold = threshold;
        this.stableFor = stableFor;
        this.maxValidationAge = maxValidationAge;
        this.maxGap = maxGap;
    }

    public static CutoverGate of(ValidationSettings v) {
        return new CutoverGate(v.lagThreshold(), v.stableFor(), v.maxValidationAge());
    }

    /**
     * With {@code now} as the clock of the stable window too (tests, which step it by hand).
     *
     * @see #evaluate(Instant, long, List, long, List, Optional)
     */
    public GateState evaluate(Instant now, List<TableLag> lags, long deadLetters, List<String> stageProblems,
            Optional<ValidationSummary> validation) {
        return evaluate(now, now.getEpochSecond() * 1_000_000_000L + now.getNano(), lags, deadLetters, stageProblems, validation);
    }

    /**
     * @param now the wall-clock time on the clock the validation's {@code finishedAt} was taken with, for its age
     * @param monotonicNanos a monotonic clock ({@link System#nanoTime()}) for the stable window, which a wall clock
     *     stepped forward (NTP, a resumed VM) would shorten
     * @param stageProblems one line per stage that is down, retrying, starting or snapshotting
     * @param validation the last validation, empty when none has run
     */
    public synchronized GateState evaluate(Instant now, long monotonicNanos, List<TableLag> lags, long deadLetters,
            List<String> stageProblems, Optional<ValidationSummary> validation) {
        if (lastEvaluated != Long.MIN_VALUE && monotonicNanos - lastEvaluated > maxGap.toNanos()) {
            lowSince.clear(); // nobody looked meanwhile: the window starts again rather than counting time unseen
        }
        lastEvaluated = monotonicNanos;
        List<String> reasons = new ArrayList<>(stageProblems);
        if (lags.isEmpty()) {
            reasons.add("no target table to measure lag on (no mappings, or no sink)");
        }
        for (TableLag l : lags) {
            String name = l.sink() + "/" + l.table();
            if (!l.known()) {
                lowSince.remove(name);
                reasons.add("lag of " + name + " is unknown: " + l.detail());
            } else if (l.lagMs() > threshold.toMillis()) {
                lowSince.remove(name);
                reasons.add("lag of " + name + " is " + l.lagMs() + " ms, above the threshold of " + threshold.toMillis() + " ms");
            } else {
                long since = lowSince.computeIfAbsent(name, k -> monotonicNanos);
                Duration low = Duration.ofNanos(monotonicNanos - since);
                if (low.compareTo(stableFor) < 0) {
                    reasons.add("lag of " + name + " has been at or below " + threshold.toMillis() + " ms for " + low.toSeconds()
                            + " s, not yet the " + stableFor.toSeconds() + " s window");
                }
            }
        }
        if (deadLetters > 0) {
            reasons.add(deadLetters + " record(s) in the dead-letter topic: handle them (see the topic's reasons), then clear it");
        }
        if (validation.isEmpty()) {
            reasons.add("no validation has run yet");
        } else {
            ValidationSummary v = validation.get();
            if (!v.clean()) {
                reasons.add("the last validation found differences: " + v.detail());
            } else if (Duration.between(v.startedAt(), now).compareTo(maxValidationAge) > 0) {
                reasons.add("the last clean validation began more than " + maxValidationAge.toMinutes() + " min ago");
            }
        }
        return new GateState(reasons.isEmpty(), reasons);
    }
}
