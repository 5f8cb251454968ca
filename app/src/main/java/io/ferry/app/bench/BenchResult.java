package io.ferry.app.bench;

import java.util.List;
import java.util.Map;

/**
 * What one {@code ferry bench} run measured; written as JSON with snake_case names (README.md, Performance).
 * Times in seconds, latencies in milliseconds, memory in MiB.
 */
public record BenchResult(String scenario, String comparedWith, String command, String startedAt, Machine machine, int pairs,
        List<Run> runs, List<Summary> summaries, List<PairRatios> ferryOverPeer, Floor floor) {

    static final String FERRY = "ferry";
    static final String PEER = "peer";

    /** {@code loadAverageBefore}: the 1-minute load average as the run began; well above 0, something else was running. */
    public record Machine(int cores, double memoryGib, String java, String os, String source, String target, double loadAverageBefore) {
    }

    /**
     * One contender through the phases, on databases of its own; {@code pair} counts from 1 (A B A B ...). {@code nearMax}: the
     * steady phase again at 50 % and 80 % of the contender's own backlog events/s; {@code validation}: Ferry's, null for the others.
     */
    public record Run(String contender, int pair, Snapshot snapshot, Steady steady, Backlog backlog, List<Steady> nearMax,
            Validation validation, ProcessUse process) {
    }

    /** One validation of the whole target by the running Ferry ({@code POST /validate}), after the last phase. */
    public record Validation(long sourceRows, long targetRows, double seconds, long rowsPerS, boolean clean, String summary) {
    }

    /** From the contender's start until the target has every row; its start (Ferry's embedded Kafka, Connect's worker) is in it. */
    public record Snapshot(long rows, double seconds, long rowsPerS, double serviceStartSeconds, double cpuSeconds) {
    }

    /**
     * Counts, rate and latencies (source commit returned → row visible in the target) over the measured window,
     * after the warm-up; {@code pollGapMs}, the time between two probe queries, bounds each latency's error.
     */
    public record Steady(int targetRate, double achievedRate, double seconds, double warmupSeconds, long transactions, long inserts,
            long updates, Percentiles latencyMs, double pollIntervalMs, Percentiles pollGapMs, double cpuSeconds, String targetRateFrom) {
    }

    public record Percentiles(double p50, double p95, double p99, double max, double mean) {
    }

    /**
     * Changes queued while the contender was stopped; timed from its new start until the target has them all. {@code timeline}:
     * the phase second by second, from the backlog's first write (negative seconds) until the target caught up.
     * {@code stoppedCleanly}: false when the contender had to be killed (it did not stop within a minute of SIGTERM, or the
     * benchmark was interrupted while it stopped); one that had exited on its own aborts the benchmark instead.
     */
    public record Backlog(long events, int transactionRows, long inserts, long updates, double writeSeconds, double seconds,
            long eventsPerS, double serviceStartSeconds, double cpuSeconds, boolean stoppedCleanly, List<Second> timeline) {
    }

    /**
     * One second of a backlog phase, at {@code at} seconds after the contender's restart: backlog rows the target held, the
     * cores the contender used over that second, the source server's (PostgreSQL's or MariaDB's processes; in PostgreSQL →
     * PostgreSQL the target's too, one server) and, by kind of its processes, those that used at least 0.05 of a core.
     */
    public record Second(double at, long rows, double contenderCores, double serverCores, Map<String, Double> server) {
    }

    /**
     * The contender's own JVMs (every start; a broker of its own added), not the benchmark's; PostgreSQL is another process, not
     * counted. {@code note} says which JVMs; {@code log} is the contender's output.
     */
    public record ProcessUse(double cpuSeconds, double peakRssMib, String note, String log) {
    }

    /** One contender's figures over its runs. */
    public record Summary(String contender, String what, Spread snapshotRowsPerS, Spread backlogEventsPerS, Spread latencyP50Ms,
            Spread latencyP95Ms, Spread latencyP99Ms, Spread latencyP99At50Ms, Spread latencyP99At80Ms, Spread validationRowsPerS,
            Spread cpuSeconds, Spread peakRssMib) {
    }

    public record Spread(double min, double median, double max) {

        static Spread of(List<Double> values) {
            double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            if (v.length == 0) {
                return new Spread(0, 0, 0);
            }
            double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
            return new Spread(v[0], Math.round(median * 10) / 10.0, v[v.length - 1]);
        }
    }

    /**
     * Ferry's figure divided by the peer's, within one pair (run back to back, so the machine's noise weighs on both):
     * throughputs higher is better; latency, CPU and memory lower is better.
     */
    public record PairRatios(int pair, double snapshotRowsPerS, double backlogEventsPerS, double latencyP99, double cpuSeconds,
            double peakRssMib) {
    }

    /**
     * The same phases through PostgreSQL's own logical replication (null with {@code --no-floor}), once; the ratios take
     * Ferry's median.
     */
    public record Floor(String what, Snapshot snapshot, Steady steady, Backlog backlog, List<Steady> nearMax, Ratios ferryOverFloor) {
    }

    /** Ferry's median divided by the floor's: snapshot and backlog throughput (higher is better), p99 latency (lower is better). */
    public record Ratios(double snapshotRowsPerS, double backlogEventsPerS, double latencyP99) {
    }
}
