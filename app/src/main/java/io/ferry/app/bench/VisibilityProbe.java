package io.ferry.app.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sees the steady phase's transactions arrive in the target: every 10 ms, one look fetches the rows of
 * every transaction still on its way; a transaction has arrived when its row carries the name it wrote.
 * Its latency is the query's start minus the moment its commit returned: at most one poll gap (10 ms, or
 * the previous query's duration when longer) above the truth, and below it by no more than the time from
 * that stamp to the query's snapshot (well under a millisecond on loopback).
 */
final class VisibilityProbe implements LoadGenerator.Tracker, AutoCloseable {

    static final Duration INTERVAL = Duration.ofMillis(10);
    private static final Logger log = LoggerFactory.getLogger(VisibilityProbe.class);

    private record Pending(String name, long committedNanos, boolean measured) {
    }

    private final BenchTarget.Reader target;
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final LatencyRecorder latencies = new LatencyRecorder();
    private final LatencyRecorder gaps = new LatencyRecorder();
    private volatile boolean running;
    private Thread thread;

    VisibilityProbe(BenchTarget.Reader target) {
        this.target = target;
    }

    void start() {
        running = true;
        thread = new Thread(this::poll, "bench-visibility-probe");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public boolean busy(long id) {
        return pending.containsKey(id);
    }

    @Override
    public void committed(long id, String expectedName, long committedNanos, boolean measured) {
        pending.put(id, new Pending(expectedName, committedNanos, measured));
    }

    int pendingCount() {
        return pending.size();
    }

    /** The measured transactions' latencies; read after {@link #close()}. */
    LatencyRecorder latencies() {
        return latencies;
    }

    /** The times between two polls' starts, each the error bound of what that poll saw; read after {@link #close()}. */
    LatencyRecorder gaps() {
        return gaps;
    }

    private void poll() {
        long next = System.nanoTime();
        long previous = 0;
        while (running) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            long seenAt = System.nanoTime();
            if (previous != 0) {
                gaps.record(seenAt - previous);
            }
            previous = seenAt;
            next = Math.max(seenAt, next) + INTERVAL.toNanos();
            Long[] ids = pending.keySet().toArray(Long[]::new);
            if (ids.length == 0) {
                continue;
            }
            try {
                target.names(Arrays.asList(ids)).forEach((id, name) -> arrived(id, name, seenAt));
            } catch (Exception e) {
                log.warn("bench probe: {} (polling again)", e.getMessage());
            }
        }
    }

    private void arrived(long id, String name, long seenAt) {
        Pending p = pending.get(id);
        if (p != null && p.name().equals(name)) {
            pending.remove(id);
            if (p.measured()) {
                latencies.record(seenAt - p.committedNanos());
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        if (thread != null) {
            thread.join(10_000);
        }
    }
}
