package io.ferry.app.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backlog phase second by second, from the moment the load generator starts writing the backlog until the target caught
 * up: rows of the backlog the target held, the contender's CPU and the source server's, by kind of process (a drain that
 * takes twice as long shows where the time went: a server busy with autovacuum or a checkpoint, the contender's start, its
 * catching up). Sampled on a thread of its own, so the contender's blocking start is in it too. CPU is counted in 10 ms
 * ticks, so an interval shorter than {@link #MIN_INTERVAL_NANOS} (the last one, or one right after a stalled sampler) is
 * added to the point before it rather than shown as cores of its own.
 */
final class DrainTimeline implements AutoCloseable {

    static final long EVERY_MS = 1_000;
    private static final long MIN_INTERVAL_NANOS = 500_000_000L;
    private static final Logger log = LoggerFactory.getLogger(DrainTimeline.class);

    private final long t0 = System.nanoTime();
    private final LongSupplier rows;
    private final DoubleSupplier contenderCpu;
    private final ServerCpu server;

    /** CPU seconds used over {@code nanos} ending at {@link System#nanoTime()} {@code at}. */
    private record Point(long at, long nanos, long rows, double contenderCpu, Map<String, Double> server) {

        Point plus(Point later) {
            Map<String, Double> both = new LinkedHashMap<>(server);
            later.server.forEach((k, v) -> both.merge(k, v, Double::sum));
            return new Point(later.at, nanos + later.nanos, later.rows, contenderCpu + later.contenderCpu, both);
        }
    }

    private final List<Point> points = new ArrayList<>();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bench-drain-timeline");
        t.setDaemon(true);
        return t;
    });
    private volatile long restartedAt = -1;
    private long lastAt = t0;
    private double lastCpu;

    /** {@code rows}: backlog rows seen in the target so far (read from the sampler's thread). */
    DrainTimeline(LongSupplier rows, DoubleSupplier contenderCpu, ServerCpu server) {
        this.rows = rows;
        this.contenderCpu = contenderCpu;
        this.server = server;
        this.lastCpu = contenderCpu.getAsDouble();
        server.sample();
        // with a fixed delay, a stalled sampler does not run its missed samples back to back
        sampler.scheduleWithFixedDelay(this::sampleQuietly, EVERY_MS, EVERY_MS, TimeUnit.MILLISECONDS);
    }

    /** The contender is being started again: the seconds of later points count from here (earlier ones are negative). */
    void restarting() {
        restartedAt = System.nanoTime();
    }

    /** A failed sample must not end the sampling (an exception would cancel the schedule): it is left out, with a warning. */
    private void sampleQuietly() {
        try {
            sample();
        } catch (RuntimeException e) {
            log.warn("bench: a sample of the drain's timeline failed: {}", e.toString());
        }
    }

    private synchronized void sample() {
        long at = System.nanoTime();
        double cpu = contenderCpu.getAsDouble();
        Point p = new Point(at, at - lastAt, restartedAt < 0 ? 0 : rows.getAsLong(), cpu - lastCpu, server.sample());
        if (p.nanos < MIN_INTERVAL_NANOS && !points.isEmpty()) {
            points.set(points.size() - 1, points.get(points.size() - 1).plus(p));
        } else {
            points.add(p);
        }
        lastAt = at;
        lastCpu = cpu;
    }

    /** Stops sampling and takes a last point; the points, oldest first, in seconds since the restart. */
    synchronized List<BenchResult.Second> finish() {
        close();
        sampleQuietly();
        long from = restartedAt < 0 ? t0 : restartedAt;
        List<BenchResult.Second> seconds = new ArrayList<>();
        for (Point p : points) {
            double span = p.nanos / 1e9;
            Map<String, Double> byKind = new LinkedHashMap<>();
            double serverCores = 0;
            for (Map.Entry<String, Double> e : p.server.entrySet()) {
                serverCores += e.getValue() / span;
                if (e.getValue() / span >= 0.05) {
                    byKind.put(e.getKey(), cores(e.getValue() / span));
                }
            }
            seconds.add(new BenchResult.Second(Bench.round((p.at - from) / 1e9), p.rows, cores(p.contenderCpu / span), cores(serverCores),
                    byKind));
        }
        return seconds;
    }

    /** One point as a line of the benchmark's log: {@code +3.0 s  12,345 rows  contender 0.95  server 0.60 (walsender 0.30, ...)}. */
    static String describe(BenchResult.Second p) {
        StringBuilder b = new StringBuilder(String.format("%+6.1f s %,9d rows  contender %.2f  server %.2f", p.at(), p.rows(),
                p.contenderCores(), p.serverCores()));
        if (!p.server().isEmpty()) {
            b.append(p.server().entrySet().stream().map(e -> String.format("%s %.2f", e.getKey(), e.getValue()))
                    .collect(Collectors.joining(", ", " (", ")")));
        }
        return b.toString();
    }

    private static double cores(double v) {
        return Math.round(v * 100) / 100.0;
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}
