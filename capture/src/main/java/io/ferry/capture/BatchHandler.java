package io.ferry.capture;

import io.ferry.capture.convert.Converted;
import io.ferry.capture.convert.RecordConverter;
import io.ferry.capture.publish.ChangePublisher;
import io.ferry.capture.publish.SchemaVersions;
import io.ferry.core.event.ChangeEvent;
import io.ferry.core.topic.DeadLetter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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

    BatchHandler(String pipeline, RecordConverter converter, SchemaVersions versions, ChangePublisher publisher,
            SnapshotProgress progress, MeterRegistry registry, io.ferry.capture.publish.Stamper stamper) {
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
        for (RecordChangeEvent<SourceRecord> r : records) {
            add(batch, r.record());
        }
        try {
            publisher.publish(batch);
        } catch (RuntimeException e) {
            batch.schemas().forEach(versions::forget);
            stamper.rewind(stampBefore);
            throw e;
        }
        for (RecordChangeEvent<SourceRecord> r : records) {
            committer.markProcessed(r);
        }
        committer.markBatchFinished();
    }

    private void add(ChangePublisher.Batch batch, SourceRecord record) {
        Converted converted = converter.convert(record);
        if (converted instanceof Converted.Row row) {
            ChangeEvent.RowChange e = row.event();
            publisher.ensureChangeTopic(e.table());
            SchemaVersions.Assignment version = versions.assign(row.schema());
            version.toPublish().ifPresent(s -> {
                publisher.addSchema(batch, s);
                log.info("schema of {} is now version {} ({} columns, key {})", s.table(), s.version(), s.columns().size(),
                        s.primaryKey());
                log.debug("schema {}", s);
            });
            publisher.addRow(batch, new ChangeEvent.RowChange(e.op(), e.table(), e.key(), e.before(), e.after(),
                    stamper.stamp(e.source()), version.version()));
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
            log.error("capture of {} cannot carry a record ({}: {}); it goes to the dead-letter topic", failure.table(),
                    failure.reason(), failure.detail());
            publisher.addDeadLetter(batch, new DeadLetter(pipeline, DeadLetter.Stage.CAPTURE, failure.table().toString(),
                    failure.reason(), failure.detail(), Instant.now(), record.topic(), 0, 0,
                    bytes(record.key()), bytes(record.value())));
            count(failure.table().toString(), "dead_letter");
        }
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
