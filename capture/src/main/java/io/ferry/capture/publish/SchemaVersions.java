package io.ferry.capture.publish;

import io.ferry.core.event.TableId;
import io.ferry.core.schema.TableSchema;
import io.ferry.core.schema.TableSchemaCodec;
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

/**
 * The latest published schema of each table, read from the compacted schema topic at start, so
 * versions keep counting up across restarts and an unchanged schema keeps its version.
 */
public final class SchemaVersions {

    private final Map<TableId, TableSchema> latest = new HashMap<>();

    /** Reads the whole schema topic; an absent or empty topic gives an empty registry. */
    public static SchemaVersions load(Properties consumerBase, String schemaTopic) {
        SchemaVersions versions = new SchemaVersions();
        Properties p = new Properties();
        p.putAll(consumerBase);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // read to a known end once, at capture's start: a fetch that finds nothing new must not idle for the default 500 ms
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "10");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(schemaTopic, Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(schemaTopic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            while (partitions.stream().anyMatch(tp -> consumer.position(tp, Duration.ofSeconds(30)) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.value() != null) {
                        TableSchema s = TableSchemaCodec.decode(r.value());
                        versions.latest.merge(s.table(), s, (a, b) -> b.version() >= a.version() ? b : a);
                    }
                }
            }
        }
        return versions;
    }

    /**
     * The version of a table's current shape: the latest one when the shape is unchanged; otherwise a
     * new version, which the caller must publish (returned as {@code toPublish}).
     */
    public Assignment assign(TableSchema shape) {
        TableSchema known = latest.get(shape.table());
        if (known != null && known.sameShape(shape)) {
            return new Assignment(known.version(), Optional.empty(), Optional.empty());
        }
        TableSchema next = shape.withVersion(known == null ? 1 : known.version() + 1);
        latest.put(shape.table(), next);
        return new Assignment(next.version(), Optional.of(next), Optional.ofNullable(known));
    }

    /** The latest version of a table's schema, published or assigned in a batch being published. */
    public Optional<TableSchema> latest(TableId table) {
        return Optional.ofNullable(latest.get(table));
    }

    /** Forgets a version that was assigned but never published (its transaction aborted). */
    public void forget(TableSchema published) {
        latest.computeIfPresent(published.table(), (t, s) -> s.version() == published.version()
                ? null : s);
    }

    /** @param replaced with a new version, the one it follows (none for a table's first) */
    public record Assignment(int version, Optional<TableSchema> toPublish, Optional<TableSchema> replaced) {
    }
}
