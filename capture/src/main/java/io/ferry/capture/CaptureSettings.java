package io.ferry.capture;

import io.ferry.core.config.KafkaSettings;
import io.ferry.core.config.PipelineConfig;
import io.ferry.core.config.SourceSettings;
import io.ferry.core.topic.TopicLayout;
import java.util.Objects;

/**
 * What one capture needs: the pipeline's name, its source, and the Kafka it writes to (the embedded
 * one's address when the pipeline file names none).
 */
public record CaptureSettings(String pipeline, SourceSettings source, KafkaSettings kafka, String bootstrapServers) {

    public CaptureSettings {
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    }

    public static CaptureSettings from(PipelineConfig config, String bootstrapServers) {
        return new CaptureSettings(config.pipeline().name(), config.source(), config.kafka(), bootstrapServers);
    }

    public TopicLayout layout() {
        return kafka.layout(pipeline);
    }
}
