package io.ferry.capture;

import io.ferry.core.config.KafkaSettings;
import io.ferry.core.config.PipelineConfig;
import io.ferry.core.config.SourceSettings;
import io.ferry.core.event.TableId;
import io.ferry.core.topic.TopicLayout;
import java.util.Objects;
import java.util.Set;

/**
 * What one capture needs: the pipeline's name, its source, and the Kafka it writes to (the embedded
 * one's address when the pipeline file names none).
 *
 * @param wholeRows tables whose every change must carry the whole row before and after it (the tables of
 *     {@code transform.direct} mappings): preflight refuses to start when the source would leave columns out
 * @param copied tables the sinks copy themselves ({@code transform.bulk_copy}): the snapshot reads one row of each, enough to
 *     publish the table's schema, instead of the whole table
 */
public record CaptureSettings(String pipeline, SourceSettings source, KafkaSettings kafka, String bootstrapServers,
        Set<TableId> wholeRows, Set<TableId> copied) {

    public CaptureSettings {
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        wholeRows = Set.copyOf(wholeRows);
        copied = Set.copyOf(copied);
    }

    public CaptureSettings(String pipeline, SourceSettings source, KafkaSettings kafka, String bootstrapServers) {
        this(pipeline, source, kafka, bootstrapServers, Set.of(), Set.of());
    }

    public static CaptureSettings from(PipelineConfig config, String bootstrapServers, Set<TableId> wholeRows, Set<TableId> copied) {
        return new CaptureSettings(config.pipeline().name(), config.source(), config.kafka(), bootstrapServers, wholeRows, copied);
    }

    public TopicLayout layout() {
        return kafka.layout(pipeline);
    }
}
