package io.ferry.core.config;

import io.ferry.core.topic.TopicLayout;
import io.ferry.core.topic.TopicNames;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** The {@code kafka} section; no bootstrap servers means an embedded Kafka under the data directory. */
public record KafkaSettings(Optional<String> bootstrapServers, int partitions, Optional<Short> replicationFactor,
        Optional<Duration> retention, Map<String, String> properties, int maxRecordBytes) {

    public KafkaSettings(Optional<String> bootstrapServers, int partitions, Optional<Short> replicationFactor,
            Optional<Duration> retention, Map<String, String> properties) {
        this(bootstrapServers, partitions, replicationFactor, retention, properties, io.ferry.core.topic.TopicSpec.MAX_RECORD_BYTES);
    }

    static KafkaSettings from(ConfigValues v) {
        return new KafkaSettings(v.find(PipelineOptions.BOOTSTRAP_SERVERS), v.get(PipelineOptions.PARTITIONS),
                v.find(PipelineOptions.REPLICATION_FACTOR).map(Integer::shortValue), v.find(PipelineOptions.RETENTION),
                v.get(PipelineOptions.KAFKA_PROPERTIES), (int) v.get(PipelineOptions.MAX_RECORD_SIZE).bytes());
    }

    public boolean embedded() {
        return bootstrapServers.isEmpty();
    }

    public TopicLayout layout(String pipeline) {
        return new TopicLayout(new TopicNames(pipeline), partitions, retention, replicationFactor, maxRecordBytes);
    }

    @Override
    public String toString() {
        return "KafkaSettings[bootstrapServers=" + bootstrapServers.orElse("(embedded)") + ", partitions=" + partitions
                + ", replicationFactor=" + replicationFactor.map(String::valueOf).orElse("(broker default)")
                + ", retention=" + retention.map(Durations::format).orElse("forever") + ", maxRecordBytes=" + maxRecordBytes
                + ", properties=" + OptionTypes.stringMap().render(properties) + "]";
    }
}
