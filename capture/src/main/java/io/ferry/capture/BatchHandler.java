package io.ferry.capture;

import io.ferry.capture.convert.Converted;
import io.ferry.capture.convert.RecordConverter;
import io.ferry.capture.publish.ChangePublisher;
import io.ferry.capture.publish.SchemaVersions;
import io.ferry.core.event.ChangeEvent;
import io.ferry.core.event.Marker;
import io.ferry.core.event.SourceInfo;
import io.ferry.core.event.TableId;
import io.ferry.core.schema.TableSchema;
import io.ferry.core.topic.DeadLetter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives Debezium's batches: converts every record, publishes the batch as one Kafka transaction,
 * and only then marks the records processed, so Debezium's offsets never run ahead of what Kafka holds
 * (send, await, then mark).
 */
final class BatchHandler implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {

    private static final Logger log = LoggerFactory.getLogger(BatchHandler.class);

    private final String pipeline;
    private final RecordConverter converter;
    private final SchemaVersions versions;
    private final ChangePublisher publisher;
    private final SnapshotProgress progress;
    private final MeterRegistry registry;
    private final io.ferry.capture.publish.Stamper stamper;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private volatile boolean streaming;
    /** The tables an initial snapshot reads in full: every captured table but those the sinks copy themselves. */
    private final Set<TableId> snapshotTables;
    private final java.util.function.Predicate<TableId> captured;
    /** The tables the sinks copy themselves (transform.bulk_copy): no state in transform, no runs. */
    private final Set<TableId> copied;
    /** The snapshot run under way (its bounds' id), 0 when none. */
    private long run;
    /** Whether the run began before anything streamed: an initial snapshot, which reads every table. */
    private boolean initialRun;
    private final Set<TableId> runTables = new LinkedHashSet<>();
    private SourceInfo lastRunSource;
    /** The log position the open run's snapshot reads as of ({@link #snapshotPosition}). */
    private String runAt;
    /** The last run id given out, blocking or incremental: ids never repeat. */
    private long lastRunId;
    /** Debezium's incremental snapshots, bounded as runs. */
    private final IncrementalRuns incremental;
    private final LeftOutValues leftOut;

    /**
     * @param copied the tables the sinks copy themselves ({@code transform.bulk_copy})
     * @param captured whether a table matches {@code source.tables} (a binlog's DDL is reported for every table of the
     *     server, also those captured before and no longer)
     * @param leftOut reads back what the log left out of the create half of a primary-key change
     */
    BatchHandler(String pipeline, RecordConverter converter, SchemaVersions versions, ChangePublisher publisher,
            SnapshotProgress progress, MeterRegistry registry, io.ferry.capture.publish.Stamper stamper, Set<TableId> snapshotTables,
            Set<TableId> copied, java.util.function.Predicate<TableId> captured, LeftOutValues leftOut) {
        this.leftOut = leftOut;
        this.snapshotTables = Set.copyOf(snapshotTables);
        this.copied = Set.copyOf(copied);
        this.incremental = new IncrementalRuns(pipeline, t -> !this.copied.contains(t), this::nextRunId);
        this.captured = captured;
        this.stamper = stamper;
        this.pipeline = pipeline;
        this.converter = converter;
        this.versions = versions;
        this.publisher = publisher;
        this.progress = progress;
        this.registry = registry;
    }

    @Override
    public void handleBatch(List<RecordChangeEvent<SourceRecord>> records,
            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) throws InterruptedException {
        ChangePublisher.Batch batch = publisher.newBatch();
        long stampBefore = stamper.last();
        try {
            for (RecordChangeEvent<SourceRecord> r : records) {
                add(batch, r.record());
            }
            publisher.publish(batch);
        } catch (RuntimeException e) {
            // the batch is published again from the last committed offset: nothing of it was
            batch.schemas().forEach(versions::forget);
            stamper.rewind(stampBefore);
            throw e;
        }
        for (RecordChangeEvent<SourceRecord> r : toMark(records)) {
            committer.markProcessed(r);
        }
        committer.markBatchFinished();
    }

    /**
     * The records to mark processed: the last record of the log of each source partition ({@link #lastOfEachPartition}).
     * Not a notification, which may carry an empty partition and offset: had the batch's last record of a partition been
     * one, nothing of the partition would be marked.
     */
    static <R extends RecordChangeEvent<SourceRecord>> List<R> toMark(List<R> records) {
        return lastOfEachPartition(records.stream().filter(r -> !DebeziumProperties.NOTIFICATIONS.equals(r.record().topic())).toList());
    }

    /**
     * The last record of each source partition, in batch order. Debezium's committer keeps one offset per source partition,
     * the last one marked, and its periodic commit policy counts time, not records: marking these is marking the batch,
     * without an offset-map update and a trace call per change.
     */
    static <R extends RecordChangeEvent<SourceRecord>> List<R> lastOfEachPartition(List<R> records) {
        Set<Map<String, ?>> seen = new HashSet<>();
        List<R> last = new ArrayList<>();
        for (int i = records.size() - 1; i >= 0; i--) {
            R r = records.get(i);
            if (seen.add(r.record().sourcePartition())) {
                last.add(r);
            }
        }
        Collections.reverse(last);
        return last;
    }

    private void add(ChangePublisher.Batch batch, SourceRecord record) {
        boolean notification = DebeziumProperties.NOTIFICATIONS.equals(record.topic());
        String snapshotMark = notification ? null : snapshotMark(record);
        if (!blocking(snapshotMark)) {
            incrementalSnapshot(batch, record); // a blocking snapshot's offsets carry no incremental snapshot state
        }
        if (notification) {
            notification(record); // never published; not a record of the log (a blocking run does not end at it)
            return;
        }
        Converted converted = converter.convert(record);
        if (converted instanceof Converted.Row row) {
            converted = leftOut.complete(row);
            Optional<String> taken = publisher.collidingChangeTopic(row.event().table());
            if (taken.isPresent()) {
                // Kafka would refuse the topic, and the batch would fail on this record for ever
                converted = new Converted.Failure(row.event().table(), "change topic collides", "the change topic of "
                        + row.event().table() + " is the one Kafka takes for " + taken.get() + " (it treats '.' and '_' in topic"
                        + " names alike): leave one of the two tables out of source.tables");
            }
        }
        if (converted instanceof Converted.TablesChanged changed) {
            tablesChanged(batch, changed.tables()); // a DDL: no row, never part of a snapshot run
            return;
        }
        if (converted instanceof Converted.Truncate truncate) {
            if (run != 0) {
                endRun(batch); // a streamed record after a blocking run whose last record carried no "last" mark
            }
            truncated(batch, truncate);
            return;
        }
        // Any record the snapshot read belongs to the run, whatever it became: a row that is dead-lettered, the heartbeat
        // row (skipped), which comes last when the heartbeat table is the last one read, as on every restart.
        boolean inSnapshot = blocking(snapshotMark);
        boolean snapshotRow = inSnapshot && converted instanceof Converted.Row r && r.event().op() == ChangeEvent.Op.READ;
        if (run != 0 && !inSnapshot) {
            endRun(batch); // the first event after a snapshot whose last record carried no "last" mark
        }
        if (run != 0 && inSnapshot && ("first".equals(snapshotMark) || !java.util.Objects.equals(runAt, snapshotPosition(record)))) {
            // Debezium restarted its task inside this engine after a retriable error (a broken connection) and reads the
            // snapshot again from its start: a new run, as after a restart of Ferry. Continuing the interrupted run would
            // count the rows its first attempt read as read by this one, and those the source has lost since would stay.
            // The first record of a snapshot carries "first" only when the first table read has rows; every record of one
            // attempt carries the log position the attempt reads as of, and another attempt another one.
            log.warn("snapshot run {} of {} was interrupted: Debezium reads the snapshot again from its start", run, pipeline);
            run = 0;
        }
        if (inSnapshot) {
            SourceInfo at = converter.sourceOf(record);
            if (at != null) {
                if (run == 0) {
                    runAt = snapshotPosition(record);
                }
                openRun(at, initialSnapshot(record));
            }
        }
        if (converted instanceof Converted.Row row) {
            ChangeEvent.RowChange e = row.event();
            publisher.ensureChangeTopic(e.table());
            if (snapshotRow) {
                startTable(batch, e.table(), e.source());
            }
            SourceInfo stamped = stamper.stamp(e.source());
            SchemaVersions.Assignment version = versions.assign(row.schema());
            version.toPublish().ifPresent(s -> addSchema(batch, s));
            if (e.op() != ChangeEvent.Op.READ) { // a snapshot's read of the new shape carries the values itself
                version.replaced().ifPresent(b -> warnOfDefaultsFilledUnlogged(b, version.toPublish().orElseThrow(), row.defaulted()));
            }
            publisher.addRow(batch, e.published(stamped, version.version()));
            if (e.op() == ChangeEvent.Op.READ) {
                progress.rowRead(e.table());
            } else if (!streaming) {
                streaming = true;
                progress.finishAll();
            }
            count(e.table().toString(), e.op().code());
        } else if (converted instanceof Converted.MarkerRow marker) {
            publisher.addMarker(batch, new ChangeEvent.MarkerEvent(marker.marker(), stamper.stamp(marker.source())));
            if (!streaming) {
                streaming = true;
                progress.finishAll();
            }
        } else if (converted instanceof Converted.Failure failure) {
            String table = failure.table() == null ? "(unknown table)" : failure.table().toString();
            log.error("capture of {} cannot carry a record ({}: {}); it goes to the dead-letter topic", table,
                    failure.reason(), failure.detail());
            publisher.addDeadLetter(batch, new DeadLetter(pipeline, DeadLetter.Stage.CAPTURE, table,
                    failure.reason(), failure.detail(), Instant.now(), record.topic(), 0, 0,
                    bytes(record.key()), bytes(record.value())));
            count(table, "dead_letter");
        }
        if (run != 0 && "last".equals(snapshotMark)) {
            endRun(batch); // in the same transaction as the record whose offsets say the snapshot is done
        }
    }

    /**
     * A {@code TRUNCATE}: a snapshot run of the table that reads nothing, a start and an end at the truncate's place in
     * every partition of its change topic, so transform deletes every row of the table written before it (through the
     * path a source delete takes: aggregates, relations and documents follow), as after any run. Rows written after it
     * belong to the run and stay. Not for a table the sinks copy themselves (no state to sweep).
     */
    private void truncated(ChangePublisher.Batch batch, Converted.Truncate truncate) {
        TableId table = truncate.table();
        if (!captured.test(table)) {
            return;
        }
        if (copied.contains(table)) {
            log.warn("capture of {}: {} was truncated at {}; the sinks copy that table themselves (transform.bulk_copy), so the"
                    + " targets keep its rows (validation reports them: delete them in the targets, or copy the table again)",
                    pipeline, table, truncate.source().pos());
            return;
        }
        incremental.truncated(table);
        long id = nextRunId();
        addBound(batch, table, id, Marker.Kind.SNAPSHOT_START, truncate.source());
        addBound(batch, table, id, Marker.Kind.SNAPSHOT_END, truncate.source());
        log.info("capture of {}: {} was truncated at {}: run {} reads none of its rows, so transform deletes them from the targets"
                + " (not those on the direct path, transform.direct: validation reports them)", pipeline, table, truncate.source().pos(), id);
        count(table.toString(), "t");
    }

    /**
     * A column added with a default: the source fills it into every existing row without logging a change of one (ALTER
     * TABLE ... ADD COLUMN ... DEFAULT), so those rows keep no value in the targets until they change. Validation reports
     * them; a re-snapshot of the table brings them.
     */
    private void warnOfDefaultsFilledUnlogged(TableSchema before, TableSchema now, java.util.Set<String> defaulted) {
        java.util.Set<String> had = new java.util.HashSet<>();
        before.columns().forEach(col -> had.add(col.name()));
        List<String> added = now.columns().stream().map(col -> col.name()).filter(n -> !had.contains(n) && defaulted.contains(n)).toList();
        if (!added.isEmpty()) {
            log.warn("capture of {}: {} gained {} with a default, which the source filled into the rows it had without logging"
                    + " a change of one: those rows have no value for {} in the targets until they change (validation reports"
                    + " them); ferry resnapshot {} brings them", pipeline, now.table(), added, added.size() == 1 ? "it" : "them",
                    now.table());
        }
    }

    private void addSchema(ChangePublisher.Batch batch, TableSchema s) {
        publisher.addSchema(batch, s);
        log.info("schema of {} is now version {} ({} columns, key {}, {} foreign keys)", s.table(), s.version(), s.columns().size(),
                s.primaryKey(), s.foreignKeys().size());
        log.debug("schema {}", s);
    }

    /**
     * A DDL streamed from the binlog created or altered these tables. A foreign key added or dropped changes no column, so
     * no row would show it before the table's next change, and transform would not cascade a parent's delete (which the
     * binlog does not carry) in between: a captured table with a published schema whose foreign keys the source now
     * lists otherwise gets a new version, its columns unchanged, in this batch, at the DDL's place in the log. Left to the
     * table's next row, which carries its facts: a table never published, and keys on columns the published schema does
     * not have (the same DDL added them; that row brings the columns and the keys together).
     */
    private void tablesChanged(ChangePublisher.Batch batch, List<TableId> tables) {
        for (TableId table : tables) {
            if (!captured.test(table)) {
                continue;
            }
            versions.latest(table).ifPresent(known -> {
                List<io.ferry.core.schema.ForeignKey> now = converter.foreignKeysNow(table);
                Set<String> columns = new HashSet<>();
                known.columns().forEach(c -> columns.add(c.name()));
                if (!now.equals(known.foreignKeys()) && now.stream().allMatch(fk -> columns.containsAll(fk.columns()))) {
                    versions.assign(new TableSchema(table, known.columns(), known.primaryKey(), 0, now)).toPublish()
                            .ifPresent(s -> addSchema(batch, s));
                }
            });
        }
    }

    /**
     * Opens the snapshot run at its first record (a run per snapshot: an interrupted run is read again in full by the next,
     * in a new engine or in a task Debezium restarted) and notes the position of its latest record, which its end bounds carry.
     */
    private void openRun(SourceInfo source, Boolean initial) {
        if (run == 0) {
            run = nextRunId();
            initialRun = initial != null ? initial : !streaming;
            runTables.clear();
            log.info("snapshot run {} of {} begins{}", run, pipeline, initialRun ? " (every captured table)" : "");
        }
        lastRunSource = source;
    }

    /** Writes a table's start bound before the first row the open run reads of it. */
    private void startTable(ChangePublisher.Batch batch, TableId table, SourceInfo source) {
        // a table the sinks copy themselves has one row in the snapshot (for its schema): no bounds, nothing to sweep
        if (snapshotTables.contains(table) && runTables.add(table)) {
            addBound(batch, table, run, Marker.Kind.SNAPSHOT_START, source);
        }
    }

    /**
     * Writes the end bounds of the run: for every table it read and, for an initial snapshot, every table it found empty,
     * so transform can remove what an interrupted earlier run left of rows the source no longer has.
     */
    private void endRun(ChangePublisher.Batch batch) {
        Set<TableId> ended = new LinkedHashSet<>(runTables);
        if (initialRun) {
            ended.addAll(snapshotTables);
        }
        for (TableId table : ended) {
            addBound(batch, table, run, Marker.Kind.SNAPSHOT_END, lastRunSource);
        }
        log.info("snapshot run {} of {} ends: {} tables read, {} bounded", run, pipeline, runTables.size(), ended.size());
        run = 0;
    }

    /** A snapshot run's bound of a table, into every partition of its change topic, at {@code source}'s place. */
    private void addBound(ChangePublisher.Batch batch, TableId table, long runId, Marker.Kind kind, SourceInfo source) {
        publisher.addTableMarker(batch, table, new ChangeEvent.MarkerEvent(new Marker(runId, source.tsUs(), kind, table),
                stamper.stamp(source)));
    }

    private long nextRunId() {
        lastRunId = Math.max(System.currentTimeMillis() * 1000, Math.max(stamper.last() + 1, lastRunId + 1));
        return lastRunId;
    }

    /**
     * Follows which tables Debezium's incremental snapshot still reads, from the {@code incremental_snapshot_collections}
     * its offsets carry while one runs (a JSON list of {@code {"incremental_snapshot_collections_id": ...}}): the
     * progress of a table it no longer lists is done. And bounds each table's read as a run ({@link IncrementalRuns}),
     * the bounds written before this record. Parsed only when the list or the correlation id changes.
     */
    private void incrementalSnapshot(ChangePublisher.Batch batch, SourceRecord record) {
        Map<String, ?> offset = record.sourceOffset();
        if (offset == null || offset.isEmpty()) {
            return; // a notification sent without a place in the log
        }
        Object collections = offset.get(IncrementalRuns.COLLECTIONS);
        Object correlation = offset.get(IncrementalRuns.CORRELATION);
        if (incrementalSeen && java.util.Objects.equals(collections, lastIncremental)
                && java.util.Objects.equals(correlation, lastCorrelation)) {
            return;
        }
        incrementalSeen = true;
        lastIncremental = collections;
        lastCorrelation = correlation;
        IncrementalRuns.Listing listing = IncrementalRuns.listing(offset, id -> IncrementalRuns.tableOf(id, snapshotTables));
        if (listing == null) {
            return; // progress only waits; no bound is written on what cannot be read
        }
        Set<TableId> listed = new HashSet<>();
        listing.tables().forEach(t -> listed.add(t.table()));
        progress.incrementalRunning(listed);
        List<IncrementalRuns.Bound> bounds = incremental.listed(listing);
        if (bounds.isEmpty()) {
            return;
        }
        SourceInfo at = converter.sourceOf(record);
        if (at == null) {
            at = new SourceInfo(pipeline, "", null, System.currentTimeMillis() * 1000, false);
        }
        for (IncrementalRuns.Bound b : bounds) {
            addBound(batch, b.table(), b.run(), b.kind(), at);
        }
    }

    /** Debezium's notifications (its {@code sink} channel, in the record stream): a table's incremental read finished. */
    private void notification(SourceRecord record) {
        if (!(record.value() instanceof Struct value) || value.schema().field("type") == null
                || value.schema().field("aggregate_type") == null || !"Incremental Snapshot".equals(value.get("aggregate_type"))
                || !"TABLE_SCAN_COMPLETED".equals(value.get("type")) || value.schema().field("additional_data") == null
                || !(value.get("additional_data") instanceof Map<?, ?> data)) {
            return;
        }
        Object scanned = data.get("scanned_collection");
        TableId table = scanned == null ? null : IncrementalRuns.tableOf(scanned.toString(), snapshotTables);
        if (table != null) {
            incremental.scanCompleted(table, String.valueOf(data.get("status")));
        }
    }

    private boolean incrementalSeen;
    /** The last {@code incremental_snapshot_collections} and correlation id of an offset, null when none ran. */
    private Object lastIncremental;
    private Object lastCorrelation;

    /** Debezium's {@code source.snapshot} of a record ({@code true}, {@code first}, {@code last}, {@code incremental}...), or null. */
    static String snapshotMark(SourceRecord record) {
        if (!(record.value() instanceof Struct value) || value.schema().field("source") == null) {
            return null;
        }
        Struct source = value.getStruct("source");
        if (source == null || source.schema().field("snapshot") == null) {
            return null;
        }
        Object mark = source.get("snapshot");
        return mark == null ? null : mark.toString();
    }

    /**
     * Whether a snapshot record's offset says it belongs to an initial snapshot (Debezium's {@code snapshot} offset key:
     * {@code INITIAL}, which reads every captured table, also when Debezium's task redoes it after streaming began) or to
     * a blocking one of chosen tables ({@code BLOCKING}); null when the offset does not say.
     */
    static Boolean initialSnapshot(SourceRecord record) {
        Object type = record.sourceOffset() == null ? null : record.sourceOffset().get("snapshot");
        if ("INITIAL".equals(type)) {
            return true;
        }
        return "BLOCKING".equals(type) ? false : null;
    }

    /**
     * The log position a snapshot record's attempt reads as of, the same for every record of one attempt: PostgreSQL's
     * {@code lsn}, the binlog's {@code file} and {@code pos} (and GTID set); null when the offset has none of them.
     */
    static String snapshotPosition(SourceRecord record) {
        Map<String, ?> offset = record.sourceOffset();
        if (offset == null) {
            return null;
        }
        if (offset.get("lsn") != null) {
            return "lsn " + offset.get("lsn");
        }
        if (offset.get("file") != null) {
            return "binlog " + offset.get("file") + ":" + offset.get("pos") + ":" + offset.get("gtids");
        }
        return null;
    }

    /** Whether a snapshot mark is a blocking snapshot's: an incremental snapshot reads chunks between streamed changes. */
    static boolean blocking(String mark) {
        return mark != null && !mark.equals("false") && !mark.equals("incremental");
    }

    private static byte[] bytes(Object o) {
        return o == null ? null : String.valueOf(o).getBytes(StandardCharsets.UTF_8);
    }

    private void count(String table, String op) {
        if (registry == null) {
            return;
        }
        counters.computeIfAbsent(table + "\u0000" + op, k -> Counter.builder("ferry.capture.events")
                .description("change events captured from the source").tag("pipeline", pipeline).tag("table", table)
                .tag("op", op).register(registry)).increment();
    }
}
