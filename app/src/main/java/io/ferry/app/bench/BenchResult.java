package io.ferry.app.bench;

/**
 * What one {@code ferry bench} run measured; written as JSON with snake_case names (README.md, Performance).
 * Times in seconds, latencies in milliseconds, memory in MiB.
 */
public record BenchResult(String scenario, String comparedWith, String command, String startedAt, Machine machine,
        Snapshot snapshot, Steady steady, Backlog backlog, ProcessUse process, Floor floor) {

    /** {@code loadAverageBefore}: the 1-minute load average as the run began; well above 0, something else was running. */
    public record Machine(int cores, double memoryGib, String java, String os, String source, String target, double loadAverageBefore) {
    }

    /** From the service's start until the target has every row; the start (embedded Kafka included) is in it. */
    public record Snapshot(long rows, double seconds, long rowsPerS, double serviceStartSeconds, double cpuSeconds) {
    }

    /**
     * Counts, rate and latencies (source commit returned → row visible in the target) over the measured window,
     * after the warm-up; {@code pollGapMs}, the time between two probe queries, bounds each latency's error.
     */
    public record Steady(int targetRate, double achievedRate, double seconds, double warmupSeconds, long transactions, long inserts,
            long updates, Percentiles latencyMs, double pollIntervalMs, Percentiles pollGapMs, double cpuSeconds) {
    }

    public record Percentiles(double p50, double p95, double p99, double max, double mean) {
    }

    /** Changes queued while the service was stopped; timed from the new service's start until the target has them all. */
    public record Backlog(long events, int transactionRows, long inserts, long updates, double writeSeconds, double seconds,
            long eventsPerS, double serviceStartSeconds, double cpuSeconds) {
    }

    /** This JVM: Ferry with its embedded Kafka, the benchmark's own clients; PostgreSQL is another process, not counted. */
    public record ProcessUse(double cpuSeconds, double peakRssMib, String note) {
    }

    /**
     * The same phases through PostgreSQL's own logical replication (null with {@code --no-floor}); its CPU seconds are this
     * JVM's (the load generator and probes): the replication runs in PostgreSQL's processes.
     */
    public record Floor(String what, Snapshot snapshot, Steady steady, Backlog backlog, Ratios ferryOverFloor) {
    }

    /** Ferry's figure divided by the floor's: snapshot and backlog throughput (higher is better), p99 latency (lower is better). */
    public record Ratios(double snapshotRowsPerS, double backlogEventsPerS, double latencyP99) {
    }
}
