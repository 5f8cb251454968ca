package io.ferry.capture;

import io.ferry.core.event.TableId;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Rows read by the snapshot per table against the source's row estimate, with rate and ETA. Thread-safe:
 * the engine's handler counts, anyone reads.
 */
public final class SnapshotProgress {

    private final Map<TableId, TableCounter> tables = new ConcurrentHashMap<>();
    private final MeterRegistry registry;
    private final String pipeline;
    /** The gauges registered, removed at {@link #close}: a capture started again registers its own (a registry keeps the first). */
    private final List<Gauge> gauges = new java.util.concurrent.CopyOnWriteArrayList<>();

    SnapshotProgress(String pipeline, MeterRegistry registry) {
        this.pipeline = pipeline;
        this.registry = registry;
    }

    /**
     * Progress of one table at one moment.
     *
     * @param incremental an incremental snapshot (a re-snapshot) of it was asked for or is under way, and is not done
     */
    public record TableProgress(TableId table, long rowsDone, long rowsEstimated, double rowsPerSecond, Optional<Duration> eta,
            boolean done, boolean incremental) {

        /**
         * Whether the snapshot is reading the table: it read rows and is not done, or a re-snapshot of it was asked for
         * and is not done, before its first row too (the targets are being repaired from the moment it is asked).
         */
        public boolean reading() {
            return !done && (rowsDone > 0 || incremental);
        }
    }

    private static final class TableCounter {
        final AtomicLong rows = new AtomicLong();
        volatile long estimated;
        volatile long startedNanos;
        volatile long lastNanos;
        volatile boolean done;
        /** An incremental snapshot reads it (asked while streaming): done when Debezium's offsets no longer list it. */
        volatile boolean incremental;
        /** Debezium's offsets listed it since it became incremental. */
        volatile boolean listed;
        volatile long askedNanos;
    }

    /** How long a table asked for may go unlisted by Debezium before its progress says done (a signal it did not act on). */
    static final long UNLISTED_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(2);

    /**
     * An incremental snapshot of the table was asked for: its count starts again, and it is done once Debezium has listed
     * it in its offsets and no longer does ({@link #incrementalRunning}), not when streaming begins.
     */
    void restart(TableId table, long estimatedRows) {
        TableCounter c = counter(table);
        c.rows.set(0);
        if (estimatedRows > 0) {
            c.estimated = estimatedRows;
        }
        c.askedNanos = System.nanoTime();
        c.listed = false;
        c.incremental = true;
        c.done = false;
    }

    /**
     * The tables Debezium's incremental snapshot still has to read, from a record's offset ({@code
     * incremental_snapshot_collections}, read by {@link IncrementalRuns#listing}). A listed table is being read (also one
     * whose snapshot Debezium resumed after a restart, which nobody asked this process for); one that was listed and no
     * longer is, is done.
     */
    void incrementalRunning(java.util.Set<TableId> listed) {
        for (TableId table : listed) {
            TableCounter c = counter(table);
            if (!c.listed) {
                if (!c.incremental) {
                    c.rows.set(0); // a resumed snapshot, or one asked before this process: its rows count from here
                }
                c.listed = true;
                c.incremental = true;
                c.done = false;
            }
        }
        tables.forEach((table, c) -> {
            if (c.incremental && c.listed && !listed.contains(table)) {
                c.incremental = false;
                c.listed = false;
                c.done = true;
            }
        });
    }


    void estimate(TableId table, long estimatedRows) {
        counter(table).estimated = estimatedRows;
    }

    void rowRead(TableId table) {
        TableCounter c = counter(table);
        long now = System.nanoTime();
        if (c.rows.getAndIncrement() == 0) {
            c.startedNanos = now;
        }
        c.lastNanos = now;
    }

    /** Marks every table that read rows as finished (the snapshot moved on to streaming). */
    void finishAll() {
        tables.values().forEach(c -> c.done = !c.incremental && (c.rows.get() > 0 || c.done));
    }

    private TableCounter counter(TableId table) {
        return tables.computeIfAbsent(table, t -> {
            TableCounter c = new TableCounter();
            if (registry != null) {
                gauges.add(Gauge.builder("ferry.snapshot.rows", c.rows, AtomicLong::get).tag("pipeline", pipeline)
                        .tag("table", t.toString()).description("rows read by the snapshot").register(registry));
                gauges.add(Gauge.builder("ferry.snapshot.rows.estimated", c, x -> x.estimated).tag("pipeline", pipeline)
                        .tag("table", t.toString()).description("the source's row estimate").register(registry));
            }
            return c;
        });
    }

    /** Removes this capture's gauges from the registry: before, a capture started again in the process left them reading the stopped one. */
    void close() {
        if (registry != null) {
            gauges.forEach(registry::remove);
        }
        gauges.clear();
    }

    public List<TableProgress> tables() {
        List<TableProgress> out = new ArrayList<>();
        tables.forEach((table, c) -> {
            long rows = c.rows.get();
            double seconds = (c.lastNanos - c.startedNanos) / 1e9;
            double rate = rows > 1 && seconds > 0 ? rows / seconds : 0;
            // asked for, and never listed by Debezium within minutes (a signal it skipped, an empty table read between two
            // records): nothing of it is running
            boolean done = c.done || (c.incremental && !c.listed && rows == 0 && System.nanoTime() - c.askedNanos > UNLISTED_NANOS);
            Optional<Duration> eta = !done && rate > 0 && c.estimated > rows
                    ? Optional.of(Duration.ofSeconds((long) ((c.estimated - rows) / rate))) : Optional.empty();
            out.add(new TableProgress(table, rows, c.estimated, rate, eta, done, c.incremental && !done));
        });
        out.sort(java.util.Comparator.comparing(p -> p.table().toString()));
        return out;
    }
}
