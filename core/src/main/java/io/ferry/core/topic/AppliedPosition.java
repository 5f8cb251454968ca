package io.ferry.core.topic;

import io.ferry.core.event.Marker;
import io.ferry.core.event.SourceInfo;
import java.time.Instant;
import java.util.Objects;

/**
 * What a sink has applied on one partition of one target topic, published after each committed batch
 * to the compacted applied-positions topic, keyed by (sink, topic, partition).
 *
 * @param offset the next offset to consume, as committed
 * @param lastSource the source position of the last change applied, or null before the first
 * @param lastMarker the last heartbeat or drain marker that passed this partition, or null
 * @param rowsApplied rows written by this sink on this partition since it started
 */
public record AppliedPosition(String pipeline, String sink, String topic, int partition, long offset,
        SourceInfo lastSource, Marker lastMarker, long rowsApplied, Instant committedAt) {

    public AppliedPosition {
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(committedAt, "committedAt");
    }
}
