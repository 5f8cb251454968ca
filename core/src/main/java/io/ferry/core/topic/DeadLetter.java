package io.ferry.core.topic;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * A record that a stage could never process, kept with the reason so nothing is silently lost. The
 * dead-letter count blocks cutover.
 *
 * @param component the sink or mapping that gave up, e.g. {@code cassandra-main}
 * @param reason a short, stable reason a person can act on, e.g. {@code value out of range}
 * @param error the underlying error text (the target's message)
 * @param originKey the original record's key bytes, or null
 * @param originValue the original record's value bytes, or null
 */
public record DeadLetter(String pipeline, Stage stage, String component, String reason, String error, Instant time,
        String originTopic, int originPartition, long originOffset, byte[] originKey, byte[] originValue) {

    public enum Stage {
        CAPTURE, TRANSFORM, SINK;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public DeadLetter {
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(component, "component");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(originTopic, "originTopic");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeadLetter d && pipeline.equals(d.pipeline) && stage == d.stage && component.equals(d.component)
                && reason.equals(d.reason) && Objects.equals(error, d.error) && time.equals(d.time)
                && originTopic.equals(d.originTopic) && originPartition == d.originPartition && originOffset == d.originOffset
                && java.util.Arrays.equals(originKey, d.originKey) && java.util.Arrays.equals(originValue, d.originValue);
    }

    @Override
    public int hashCode() {
        return Objects.hash(pipeline, stage, component, reason, originTopic, originPartition, originOffset);
    }

    @Override
    public String toString() {
        return "DeadLetter[" + stage.wireName() + "/" + component + " " + originTopic + "-" + originPartition + "@"
                + originOffset + ": " + reason + "]";
    }
}
