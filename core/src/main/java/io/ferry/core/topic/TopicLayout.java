package io.ferry.core.topic;

import io.ferry.core.event.TableId;
import io.ferry.core.topic.TopicSpec.CleanupPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Partition counts, cleanup policies and retention of every Ferry topic, in one place.
 *
 * <ul>
 *   <li>change and target topics: {@code partitions} each, delete policy, {@code dataRetention}
 *       (default forever: a new sink or a rebuilt Streams state can always replay from the start);</li>
 *   <li>schemas, capture offsets, applied positions: 1 partition, compacted;</li>
 *   <li>schema history: 1 partition, kept forever (Debezium requires both);</li>
 *   <li>dead letters: 1 partition, kept forever (an operator decides when they are handled);</li>
 *   <li>lag: 1 partition, 7 days;</li>
 *   <li>capture leader: 1 partition, never written; its consumer group elects the capturing process.</li>
 * </ul>
 */
public record TopicLayout(TopicNames names, int partitions, Optional<Duration> dataRetention,
        Optional<Short> replicationFactor, int maxRecordBytes) {

    public static final Duration LAG_RETENTION = Duration.ofDays(7);

    /** A layout with Ferry's default record limit ({@link TopicSpec#MAX_RECORD_BYTES}). */
    public TopicLayout(TopicNames names, int partitions, Optional<Duration> dataRetention, Optional<Short> replicationFactor) {
        this(names, partitions, dataRetention, replicationFactor, TopicSpec.MAX_RECORD_BYTES);
    }

    public TopicSpec change(TableId table) {
        return rows(names.change(table), partitions, dataRetention);
    }

    public TopicSpec target(String sink, String table) {
        return rows(names.target(sink, table), partitions, dataRetention);
    }

    /** A topic that carries the pipeline's rows: records up to {@link #maxRecordBytes}. */
    public TopicSpec rows(String name, int partitionCount, Optional<Duration> retention) {
        return new TopicSpec(name, partitionCount, CleanupPolicy.DELETE, retention, replicationFactor, true, maxRecordBytes);
    }

    /** The topics every pipeline has, whatever its tables. */
    public List<TopicSpec> pipelineTopics() {
        return List.of(
                single(names.schemas(), CleanupPolicy.COMPACT, Optional.empty()),
                single(names.captureOffsets(), CleanupPolicy.COMPACT, Optional.empty()),
                single(names.schemaHistory(), CleanupPolicy.DELETE, Optional.empty()),
                single(names.appliedPositions(), CleanupPolicy.COMPACT, Optional.empty()),
                rows(names.deadLetters(), 1, Optional.empty()),
                single(names.lag(), CleanupPolicy.DELETE, Optional.of(LAG_RETENTION)),
                single(names.captureLeader(), CleanupPolicy.DELETE, Optional.of(LAG_RETENTION)),
                single(names.processes(), CleanupPolicy.COMPACT, Optional.empty()));
    }

    private TopicSpec single(String name, CleanupPolicy policy, Optional<Duration> retention) {
        return new TopicSpec(name, 1, policy, retention, replicationFactor, false, maxRecordBytes);
    }
}
