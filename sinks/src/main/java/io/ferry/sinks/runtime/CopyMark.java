package io.ferry.sinks.runtime;

import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** What a sink group's committed offsets on a copied change topic say about the table's bulk copy. */
enum CopyMark {
    /** No offsets at all: the copy has not begun. */
    NONE,
    /** Offsets marked {@link SinkRunner#COPY_IN_PROGRESS}: a copy began and did not finish; they are where the topic ended then. */
    IN_PROGRESS,
    /**
     * Offsets without the mark: the copy is done, or the table was never copied (its snapshot came through the topic).
     * Partitions without offsets beside them never had a record to commit.
     */
    DONE;

    static CopyMark of(Map<TopicPartition, OffsetAndMetadata> committed) {
        if (committed.values().stream().anyMatch(o -> o != null && SinkRunner.COPY_IN_PROGRESS.equals(o.metadata()))) {
            return IN_PROGRESS;
        }
        return committed.values().stream().allMatch(Objects::isNull) ? NONE : DONE;
    }
}
