package io.ferry.app.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferry.capture.StoredOffsets;
import io.ferry.capture.source.SourceDialect;
import io.ferry.core.config.PipelineConfig;
import io.ferry.core.config.SinkSettings;
import io.ferry.core.event.Row;
import io.ferry.core.event.SourceInfo;
import io.ferry.core.event.TableId;
import io.ferry.core.event.TargetEvent;
import io.ferry.core.schema.TableSchema;
import io.ferry.core.spi.Sink;
import io.ferry.core.spi.SinkFactories;
import io.ferry.core.spi.SinkWriteException;
import io.ferry.core.topic.DeadLetter;
import io.ferry.core.topic.TopicNames;
import io.ferry.sinks.runtime.BatchCompactor;
import io.ferry.sinks.runtime.BulkCopy;
import io.ferry.sinks.runtime.RuntimeSinkContext;
import io.ferry.transform.mapping.MappingException;
import io.ferry.transform.mapping.RowMapper;
import io.ferry.transform.mapping.TargetMapping;
import io.ferry.validation.diff.SourceRows;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bulk copy of the tables one sink's direct mappings read ({@code transform.bulk_copy}): the source table is read over
 * JDBC in one statement, as the canonical values capture would emit ({@link SourceRows}), each row is mapped by every
 * direct mapping of the table as a change would be, and the target rows are written in large batches through a sink of
 * its own. The writes carry the lowest possible Cassandra write timestamp, so any change applied after the copy wins over
 * it. A row that does not map, or that the sink can never write, goes to the dead-letter topic; a write that fails for a
 * while (target down) is retried.
 *
 * <p>No copy begins before capture's stored offsets say its initial snapshot is done ({@link StoredOffsets}): a copy
 * counts on every change made after it read the source reaching the change topic, and a capture that started again
 * before then would snapshot again from the log's current position, so whatever changed while it was down (a row the
 * copy had written and the source then deleted) would never reach the target. With tables that go through Debezium's
 * snapshot in the same pipeline, the copies therefore begin once that snapshot has ended.
 */
final class DirectCopy implements BulkCopy {

    private static final Logger log = LoggerFactory.getLogger(DirectCopy.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BATCH_ROWS = 5_000;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final PipelineConfig config;
    private final SinkSettings sink;
    private final SchemaCatalog catalog;
    private final TargetShapesView shapes;
    private final RowMapper mapper;
    private final SourceInfo copied;
    private final Map<String, List<TargetMapping>> byTopic = new LinkedHashMap<>();
    private final Properties clientBase;
    /**
     * Set once capture's offsets said its initial snapshot is done: from then on a restarted capture streams on (unless
     * someone resets its offsets by hand; then restart the sinks too).
     */
    private volatile boolean snapshotStored;
    /** Follows capture's offsets until then (the runner's poll thread only, and its stop). */
    private volatile StoredOffsets.Watch watch;
    private String lastProblem;

    /**
     * @param mappings the direct mappings of this sink whose tables are copied
     * @param clientBase the Kafka client settings, to read capture's stored offsets
     */
    DirectCopy(PipelineConfig config, SinkSettings sink, SchemaCatalog catalog, TargetShapesView shapes, List<TargetMapping> mappings,
            Properties clientBase) {
        this.config = config;
        this.clientBase = clientBase;
        this.sink = sink;
        this.catalog = catalog;
        this.shapes = shapes;
        this.mapper = new RowMapper(config.source().timeZone());
        // stamp 1: below every change capture publishes, so a Cassandra target keeps whatever a later change wrote
        this.copied = new SourceInfo(config.source().database(), "bulk-copy", 0, null, 0, 1, true, 1);
        TopicNames names = new TopicNames(config.pipeline().name());
        for (TargetMapping m : mappings) {
            byTopic.computeIfAbsent(names.change(m.entity().from().exact().orElseThrow()), k -> new ArrayList<>()).add(m);
        }
    }

    @Override
    public Set<String> topics() {
        return byTopic.keySet();
    }

    @Override
    public Optional<String> waitingFor() {
        if (snapshotStored) {
            return Optional.empty();
        }
        if (watch == null) {
            watch = StoredOffsets.watch(config, clientBase, "ferry-" + config.pipeline().name() + "-" + sink.name() + "-offsets-watch");
            log.info("sink {}: the bulk copies wait until capture's offsets record the end of its initial snapshot (a capture"
                    + " started again before then would snapshot again and miss what changed while it was down)", sink.name());
        }
        if (watch.done()) {
            snapshotStored = true;
            watch.close();
            watch = null;
            log.info("sink {}: capture's offsets record the end of its initial snapshot; the bulk copies may begin", sink.name());
            return Optional.empty();
        }
        Optional<String> problem = watch.problem();
        if (problem.isPresent() && !problem.get().equals(lastProblem)) {
            log.warn("sink {}: cannot read capture's offsets ({}); trying again every second", sink.name(), problem.get());
        }
        lastProblem = problem.orElse(null);
        return Optional.of(problem.map(p -> "capture's offsets, which cannot be read (" + p + ")")
                .orElse("capture's offsets to record the end of its initial snapshot"));
    }

    @Override
    public void close() {
        StoredOffsets.Watch w = watch;
        if (w != null) {
            w.close();
        }
    }

    /** Thrown from inside the row stream to stop reading. */
    private static final class Stopped extends RuntimeException {
        Stopped() {
            super(null, null, false, false);
        }
    }

    @Override
    public void copy(String topic, Progress progress) throws InterruptedException {
        List<TargetMapping> mappings = byTopic.get(topic);
        TableId table = mappings.get(0).entity().from().exact().orElseThrow();
        TableSchema schema = awaitShapes(table, mappings, progress);
        if (schema == null) {
            progress.status(table + " is empty");
            return;
        }
        progress.status("copying " + table);
        long t0 = System.nanoTime();
        // one thread reads and maps, this one writes: the source's and the target's work overlap
        java.util.concurrent.BlockingQueue<Batch> queue = new java.util.concurrent.ArrayBlockingQueue<>(2);
        java.util.concurrent.atomic.AtomicReference<Throwable> readFailure = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean writerGone = new java.util.concurrent.atomic.AtomicBoolean();
        Thread reader = new Thread(() -> {
            try (SourceRows source = new SourceRows(config.pipeline().name(), config.source(), Map.of(table, schema),
                    SinkFactories.load())) {
                Batch[] batch = {new Batch()};
                source.read(table, row -> {
                    if (progress.cancelled() || writerGone.get()) {
                        throw new Stopped();
                    }
                    map(mappings, schema, row, batch[0], progress);
                    if (batch[0].events.size() >= BATCH_ROWS) {
                        hand(queue, batch[0], progress, writerGone);
                        batch[0] = new Batch();
                    }
                });
                hand(queue, batch[0], progress, writerGone);
            } catch (Throwable e) {
                readFailure.set(e);
            } finally {
                try {
                    hand(queue, Batch.END, progress, writerGone);
                } catch (Stopped e) {
                    // the writer is gone
                }
            }
        }, "ferry-copy-read-" + sink.name());
        reader.setDaemon(true);
        reader.start();
        long rows = 0;
        try (Sink target = SinkFactories.load().require(sink.type()).create(new RuntimeSinkContext(config.pipeline().name(), sink.name(),
                sink.options(), () -> shapes.forSink(sink.name())))) {
            while (true) {
                Batch b = queue.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (b == null) {
                    if (progress.cancelled()) {
                        throw new Stopped();
                    }
                    continue;
                }
                if (b == Batch.END) {
                    break;
                }
                write(target, b.events, b.sources, progress, "copying " + table);
                rows += b.events.size();
                progress.copied(rows);
            }
        } catch (Stopped e) {
            throw new InterruptedException("the copy of " + table + " was stopped");
        } finally {
            writerGone.set(true);
            reader.join(60_000);
        }
        Throwable failed = readFailure.get();
        if (failed instanceof Stopped) {
            throw new InterruptedException("the copy of " + table + " was stopped");
        } else if (failed instanceof SinkWriteException e) {
            throw new IllegalArgumentException("cannot read " + table + " from the source: " + e.getMessage(), e);
        } else if (failed instanceof RuntimeException e) {
            throw e;
        } else if (failed != null) {
            throw new IllegalArgumentException("reading " + table + " failed: " + failed, failed);
        }
        double s = (System.nanoTime() - t0) / 1e9;
        log.info("sink {}: copied {} target rows of {} in {} s ({} rows/s)", sink.name(), rows, table, String.format("%.1f", s),
                Math.round(rows / Math.max(s, 0.001)));
    }

    /** Mapped rows on their way from the reading thread to the writing one, with the source rows they came from. */
    private static final class Batch {
        static final Batch END = new Batch();
        final List<TargetEvent> events = new ArrayList<>(BATCH_ROWS);
        final List<Row> sources = new ArrayList<>(BATCH_ROWS);
    }

    /** Hands a batch to the writer, waiting while it is busy; stops when the copy stops or the writer is gone. */
    private static void hand(java.util.concurrent.BlockingQueue<Batch> queue, Batch batch, Progress progress,
            java.util.concurrent.atomic.AtomicBoolean writerGone) {
        try {
            while (!queue.offer(batch, 200, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                if (progress.cancelled() || writerGone.get()) {
                    throw new Stopped();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Stopped();
        }
    }

    /**
     * Waits until the table's schema and its target tables' shapes are known (capture publishes the schema with the one
     * row its snapshot reads); returns the schema, or null when the table has no rows (no schema will come from it).
     */
    private TableSchema awaitShapes(TableId table, List<TargetMapping> mappings, Progress progress) throws InterruptedException {
        while (true) {
            if (progress.cancelled()) {
                throw new InterruptedException("the copy of " + table + " was stopped");
            }
            TableSchema schema = catalog.schemas().get(table);
            if (schema != null && mappings.stream().allMatch(m -> shapes.forSink(sink.name()).containsKey(m.to()))) {
                return schema;
            }
            if (schema == null && empty(table)) {
                return null;
            }
            progress.status("waiting for the schema of " + table);
            Thread.sleep(500);
        }
    }

    private boolean empty(TableId table) {
        try (Connection c = SourceDialect.of(config.source()).connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT 1 FROM \"" + table.namespace().replace("\"", "\"\"") + "\".\""
                        + table.name().replace("\"", "\"\"") + "\" LIMIT 1")) {
            return !rs.next();
        } catch (SQLException e) {
            log.warn("sink {}: cannot look into {} ({}); waiting for its schema", sink.name(), table, e.getMessage());
            return false;
        }
    }

    private void map(List<TargetMapping> mappings, TableSchema schema, Row row, Batch batch, Progress progress) {
        for (TargetMapping m : mappings) {
            try {
                var mapped = mapper.map(m, row, (t, columns, values) -> List.of());
                if (mapped.isPresent()) {
                    batch.events.add(new TargetEvent.Upsert(m.to(), RowMapper.key(m, mapped.get(), schema.primaryKey()), mapped.get(),
                            copied));
                    batch.sources.add(row);
                }
            } catch (MappingException e) {
                log.error("sink {}: a row of {} does not map ({}); it goes to the dead-letter topic", sink.name(), schema.table(),
                        e.getMessage());
                progress.rejected(DeadLetter.Stage.TRANSFORM, m.name(), "cannot map row for target '" + m.to() + "'", e.getMessage(),
                        json(key(row, schema)), json(row));
            }
        }
    }

    /** Writes one batch, retrying while the target is unavailable; rows it can never write go to the dead-letter topic. */
    private void write(Sink target, List<TargetEvent> events, List<Row> sources, Progress progress, String copying) throws Stopped {
        List<BatchCompactor.Indexed> remaining = BatchCompactor.compact(events);
        Duration backoff = Duration.ofMillis(100);
        boolean retried = false;
        while (!remaining.isEmpty()) {
            try {
                target.write(remaining.stream().map(BatchCompactor.Indexed::event).toList());
                if (retried) {
                    progress.status(copying);
                }
                return;
            } catch (SinkWriteException e) {
                if (!e.retryable()) {
                    remaining = BatchCompactor.unrefused(remaining, e, (event, reason) -> {
                        log.error("sink {}: a copied row can never be written ({}); it goes to the dead-letter topic", sink.name(), reason);
                        progress.rejected(DeadLetter.Stage.SINK, sink.name(), reason,
                                e.getCause() == null ? reason : e.getCause().getMessage(), null, json(sources.get(event.index())));
                    });
                    continue;
                }
                log.warn("sink {}: a bulk-copy write failed ({}), retrying in {} ms", sink.name(), e.getMessage(), backoff.toMillis());
                // the status says so, not only the log: a target down shows as a copy that does not move
                progress.status(copying + ", retrying since a write failed: " + e.getMessage());
                retried = true;
            }
            long until = System.nanoTime() + backoff.toNanos();
            while (System.nanoTime() < until) {
                if (progress.cancelled()) {
                    throw new Stopped();
                }
                try {
                    Thread.sleep(Math.min(200, backoff.toMillis()));
                } catch (InterruptedException x) {
                    Thread.currentThread().interrupt();
                    throw new Stopped();
                }
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    private static Row key(Row row, TableSchema schema) {
        Map<String, com.fasterxml.jackson.databind.JsonNode> key = new LinkedHashMap<>();
        schema.primaryKey().forEach(k -> key.put(k, row.get(k)));
        return Row.of(key);
    }

    private static byte[] json(Row row) {
        ObjectNode n = JSON.createObjectNode();
        row.asMap().forEach(n::set);
        try {
            return JSON.writeValueAsBytes(n);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
