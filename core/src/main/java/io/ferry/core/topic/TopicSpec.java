package io.ferry.core.topic;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One topic as Ferry needs it.
 *
 * @param retention how long records stay; empty means forever ({@code retention.ms=-1})
 * @param replicationFactor empty means the broker's {@code default.replication.factor}
 */
public record TopicSpec(String name, int partitions, CleanupPolicy cleanupPolicy, Optional<Duration> retention,
        Optional<Short> replicationFactor) {

    public enum CleanupPolicy {
        /** Latest record per key stays forever: schemas, offsets, applied positions. */
        COMPACT("compact"),
        /** Records expire by retention only. */
        DELETE("delete");

        private final String kafkaValue;

        CleanupPolicy(String kafkaValue) {
            this.kafkaValue = kafkaValue;
        }

        public String kafkaValue() {
            return kafkaValue;
        }
    }

    public TopicSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(cleanupPolicy, "cleanupPolicy");
        Objects.requireNonNull(retention, "retention");
        Objects.requireNonNull(replicationFactor, "replicationFactor");
        if (partitions < 1) {
            throw new IllegalArgumentException(name + ": partitions must be at least 1, got " + partitions);
        }
    }

    /** Largest record Ferry writes: a bigger change goes to the dead-letter topic instead (with its key and size). */
    public static final int MAX_RECORD_BYTES = 16 * 1024 * 1024;

    /** The topic-level configs Ferry sets when it creates the topic. */
    public Map<String, String> configs() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("cleanup.policy", cleanupPolicy.kafkaValue());
        c.put("max.message.bytes", Integer.toString(MAX_RECORD_BYTES + 64 * 1024));
        if (cleanupPolicy == CleanupPolicy.DELETE) {
            c.put("retention.ms", retention.map(d -> Long.toString(d.toMillis())).orElse("-1"));
            if (retention.isEmpty()) {
                c.put("retention.bytes", "-1");
            }
        }
        return c;
    }
}
