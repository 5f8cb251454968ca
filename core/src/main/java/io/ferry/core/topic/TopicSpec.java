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
 * @param rows whether it carries the pipeline's rows (change, target and dead-letter topics): records up to {@code
 *     maxRecordBytes}, none of which may be deleted by a size limit
 * @param maxRecordBytes the largest record Ferry writes ({@code kafka.max_record_size})
 */
public record TopicSpec(String name, int partitions, CleanupPolicy cleanupPolicy, Optional<Duration> retention,
        Optional<Short> replicationFactor, boolean rows, int maxRecordBytes) {

    /** A topic with Ferry's default record limit. */
    public TopicSpec(String name, int partitions, CleanupPolicy cleanupPolicy, Optional<Duration> retention,
            Optional<Short> replicationFactor, boolean rows) {
        this(name, partitions, cleanupPolicy, retention, replicationFactor, rows, MAX_RECORD_BYTES);
    }

    /** A topic of small records: the pipeline's own bookkeeping. */
    public TopicSpec(String name, int partitions, CleanupPolicy cleanupPolicy, Optional<Duration> retention,
            Optional<Short> replicationFactor) {
        this(name, partitions, cleanupPolicy, retention, replicationFactor, false);
    }

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

    /**
     * Largest record Ferry writes by default ({@code kafka.max_record_size}): a bigger change goes to the dead-letter topic
     * instead (with its key and size).
     */
    public static final int MAX_RECORD_BYTES = 16 * 1024 * 1024;

    /** Room for a record batch's header, and a dead letter's envelope, above the largest record. */
    public static final int BATCH_OVERHEAD_BYTES = 64 * 1024;

    /** The largest record batch a topic of Ferry's takes by default: {@link #MAX_RECORD_BYTES} and a batch's header. */
    public static final int MAX_MESSAGE_BYTES = MAX_RECORD_BYTES + BATCH_OVERHEAD_BYTES;

    /** The largest record batch this topic takes: {@link #maxRecordBytes} and a batch's header. */
    public int maxMessageBytes() {
        return maxMessageBytes(maxRecordBytes);
    }

    /** The {@code max.message.bytes} (and producer {@code max.request.size}) for a record limit. */
    public static int maxMessageBytes(int maxRecordBytes) {
        return maxRecordBytes + BATCH_OVERHEAD_BYTES;
    }

    /**
     * The topic-level configs Ferry sets when it creates the topic. A topic that expires records does so by time only
     * ({@code retention.bytes=-1}, since session 32): a broker's or cluster's size limit deleted the oldest records of a
     * large snapshot before transform or a sink read them, and a consumer whose position was deleted goes on from the
     * oldest record left, without a word. With three replicas a write needs two in sync ({@code min.insync.replicas=2}:
     * capture writes with {@code acks=all}, and an acknowledged change must survive its leader's disk); with another
     * count, or the broker's default replication, the broker's own setting stands (it may be stricter).
     */
    public Map<String, String> configs() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("cleanup.policy", cleanupPolicy.kafkaValue());
        c.put("max.message.bytes", Integer.toString(maxMessageBytes()));
        if (cleanupPolicy == CleanupPolicy.DELETE) {
            c.put("retention.ms", retention.map(d -> Long.toString(d.toMillis())).orElse("-1"));
            c.put("retention.bytes", "-1");
        }
        replicationFactor.filter(rf -> rf == 3).ifPresent(rf -> c.put("min.insync.replicas", "2"));
        return c;
    }
}
