package io.ferry.app.bench;

import java.util.Arrays;

/** Every sample of a run (latencies, poll gaps), kept exactly: a minute at 500/s is 30,000 longs. One writer thread. */
final class LatencyRecorder {

    /** Nearest-rank percentiles, in milliseconds. */
    record Summary(int count, double p50Ms, double p95Ms, double p99Ms, double maxMs, double meanMs) {
        BenchResult.Percentiles percentiles() {
            return new BenchResult.Percentiles(p50Ms, p95Ms, p99Ms, maxMs, meanMs);
        }
    }

    private long[] nanos = new long[4096];
    private int count;

    void record(long latencyNanos) {
        if (count == nanos.length) {
            nanos = Arrays.copyOf(nanos, count * 2);
        }
        nanos[count++] = latencyNanos;
    }

    int count() {
        return count;
    }

    Summary summary() {
        if (count == 0) {
            return new Summary(0, 0, 0, 0, 0, 0);
        }
        long[] sorted = Arrays.copyOf(nanos, count);
        Arrays.sort(sorted);
        double mean = Arrays.stream(sorted).average().orElse(0);
        return new Summary(count, ms(percentile(sorted, 50)), ms(percentile(sorted, 95)), ms(percentile(sorted, 99)),
                ms(sorted[count - 1]), ms(mean));
    }

    static long percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }

    private static double ms(double nanos) {
        return Math.round(nanos / 100_000.0) / 10.0;
    }
}
