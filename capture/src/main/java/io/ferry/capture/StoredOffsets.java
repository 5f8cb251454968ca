package io.ferry.capture;

import io.debezium.config.Configuration;
import io.debezium.connector.postgresql.PostgresConnectorConfig;
import io.debezium.connector.postgresql.PostgresOffsetContext;
import io.ferry.capture.source.SourceDialect;
import io.ferry.core.config.PipelineConfig;
import io.ferry.core.config.SourceSettings;
import io.ferry.core.topic.TopicNames;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.connect.json.JsonConverter;

/**
 * Capture's Debezium offsets as its offset store keeps them in the pipeline's offsets topic, read by another stage
 * (maybe in another process). A sink's bulk copy asks {@link #initialSnapshotDone}: it reads the source as it is and
 * counts on every later change reaching the change topic, which holds only once the offsets say Debezium's initial
 * snapshot is done. A capture that starts again before that snapshots again from the log's current position, and the
 * changes committed while it was down are in neither that snapshot's copied tables (it reads one row of each) nor the
 * log it streams afterwards.
 */
public final class StoredOffsets {

    private static final Duration READ_FOR = Duration.ofSeconds(10);

    private StoredOffsets() {
    }

    /**
     * True when the latest offsets capture stored say its initial snapshot is done, judged by Debezium's own reading of
     * them (as a restarted engine decides whether to snapshot again); false before any are stored, while the snapshot
     * runs, or when the topic cannot be read to its end within 10 s. PostgreSQL sources only (the direct path's).
     */
    public static boolean initialSnapshotDone(PipelineConfig config, Properties clientBase) {
        return latest(config, clientBase).map(offset -> initialSnapshotDone(config.pipeline().name(), config.source(), offset)).orElse(false);
    }

    /** As above, for offsets already read. */
    static boolean initialSnapshotDone(String pipeline, SourceSettings source, Map<String, ?> offset) {
        if (!"postgres".equals(source.type())) {
            throw new IllegalArgumentException("stored offsets are read for PostgreSQL sources only, not " + source.type());
        }
        Map<String, String> props = new HashMap<>(SourceDialect.of(source).debeziumProperties(pipeline));
        props.put("name", engineName(pipeline));
        props.put("topic.prefix", pipeline);
        PostgresOffsetContext context = new PostgresOffsetContext.Loader(new PostgresConnectorConfig(Configuration.from(props)))
                .load(offset);
        return !context.isInitialSnapshotRunning();
    }

    /** The name Debezium's engine runs under for this pipeline, the first element of its offsets' key. */
    static String engineName(String pipeline) {
        return "ferry-" + pipeline;
    }

    /** The last offsets stored under this pipeline's engine, decoded as the offset store encodes them. */
    private static Optional<Map<String, ?>> latest(PipelineConfig config, Properties clientBase) {
        String topic = new TopicNames(config.pipeline().name()).captureOffsets();
        String engine = engineName(config.pipeline().name());
        Properties p = new Properties();
        p.putAll(clientBase);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "ferry-" + config.pipeline().name() + "-offsets-reader");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "10");
        JsonConverter json = new JsonConverter();
        json.configure(Map.of("schemas.enable", "false"), false);
        long deadline = System.nanoTime() + READ_FOR.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            var infos = consumer.partitionsFor(topic, READ_FOR);
            List<TopicPartition> partitions = infos == null ? List.of()
                    : infos.stream().map(pi -> new TopicPartition(topic, pi.partition())).toList();
            if (partitions.isEmpty()) {
                return Optional.empty();
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, READ_FOR);
            Map<String, ?> latest = null;
            while (partitions.stream().anyMatch(tp -> consumer.position(tp, READ_FOR) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    return Optional.empty();
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.key() == null || !(json.toConnectData(topic, r.key()).value() instanceof List<?> key) || key.isEmpty()
                            || !engine.equals(key.get(0))) {
                        continue;
                    }
                    Object value = r.value() == null ? null : json.toConnectData(topic, r.value()).value();
                    latest = value instanceof Map<?, ?> m ? asOffset(m) : null;
                }
            }
            return Optional.ofNullable(latest);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, ?> asOffset(Map<?, ?> m) {
        return (Map<String, ?>) m;
    }
}
