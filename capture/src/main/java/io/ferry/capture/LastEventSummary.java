package io.ferry.capture;

import io.debezium.connector.common.BaseSourceTask;
import io.debezium.embedded.async.AsyncEmbeddedEngine;
import io.debezium.engine.DebeziumEngine;
import io.debezium.pipeline.ChangeEventSourceCoordinator;
import io.debezium.pipeline.meters.CommonEventMeter;
import io.debezium.pipeline.metrics.PipelineMetrics;
import io.debezium.pipeline.source.spi.EventMetadataProvider;
import io.debezium.pipeline.spi.OffsetContext;
import io.debezium.spi.schema.DataCollectionId;
import java.lang.reflect.Field;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Struct;

/**
 * Debezium's metrics keep a summary of the last change for the JMX attribute {@code LastEvent}, rendered for every change
 * as JSON by a Jackson {@code ObjectMapper} made for that one change (dbz#2492; fixed upstream after 3.6.1, the newest
 * release on Maven Central, by rendering without a mapper). On the thread every change passes through (Debezium's
 * coordinator) that was about a fifth of its time in a restarted drain, and a tenth of all of Ferry's Java samples
 * (session 20's profile, README's performance section). Ferry swaps the provider those metrics summarize with for one
 * whose summary is the change's table (Debezium's id of it); every other
 * figure of the metrics (counts, timestamps, transaction ids) comes from Debezium's own provider, unchanged.
 *
 * <p>The metrics are reached through Debezium 3.5's private fields (the task's coordinator, its snapshot and streaming
 * metrics, their event meter). Where one is not found (another Debezium version) nothing is changed: the engine runs as
 * Debezium built it and {@link #install} says what was missing, which capture logs as a WARN. {@code PostgresCaptureIT}
 * reads the attribute over JMX after a streamed change; it and {@code MariaDbCaptureIT} check capture's
 * {@code lastEventSummary()}.
 */
final class LastEventSummary implements EventMetadataProvider {

    private final EventMetadataProvider debezium;

    private LastEventSummary(EventMetadataProvider debezium) {
        this.debezium = debezium;
    }

    @Override
    public Instant getEventTimestamp(DataCollectionId source, OffsetContext offset, Object key, Struct value) {
        return debezium.getEventTimestamp(source, offset, key, value);
    }

    @Override
    public Map<String, String> getEventSourcePosition(DataCollectionId source, OffsetContext offset, Object key, Struct value) {
        return debezium.getEventSourcePosition(source, offset, key, value);
    }

    @Override
    public String getTransactionId(DataCollectionId source, OffsetContext offset, Object key, Struct value) {
        return debezium.getTransactionId(source, offset, key, value);
    }

    @Override
    public io.debezium.pipeline.txmetadata.TransactionInfo getTransactionInfo(DataCollectionId source, OffsetContext offset, Object key,
            Struct value) {
        return debezium.getTransactionInfo(source, offset, key, value);
    }

    @Override
    public String toSummaryString(DataCollectionId source, OffsetContext offset, Object key, Struct value) {
        return String.valueOf(source);
    }

    /** What {@link #install} found. */
    record Outcome(Status status, String detail) {

        enum Status {
            /** Both metrics summarize with the table's id. */
            REPLACED,
            /** No running task, or its coordinator or metrics not made yet (Debezium is starting or restarting its task). */
            NOT_YET,
            /** This Debezium's fields are not the ones expected: left as it is. */
            CANNOT
        }
    }

    /**
     * Puts the table-name summary into the snapshot and streaming metrics of the engine's running task. Idempotent and
     * cheap, so capture calls it when the task started and again every 10 s: Debezium remakes the task's coordinator and
     * metrics when it restarts the task itself after a retriable error. Changes the snapshot reads before the first call
     * (it begins inside the task's start) carry Debezium's summary.
     */
    static synchronized Outcome install(DebeziumEngine<?> engine) {
        if (!(engine instanceof AsyncEmbeddedEngine<?> async)) {
            return new Outcome(Outcome.Status.CANNOT,
                    "the engine is a " + (engine == null ? "null" : engine.getClass().getName()) + ", not Debezium's async engine");
        }
        Outcome[] outcome = {new Outcome(Outcome.Status.NOT_YET, "the engine has no running task")};
        try {
            async.runWithTask(task -> outcome[0] = installIn(task));
        } catch (RuntimeException e) {
            // the engine's task list changing under the look (a start or stop on the engine's thread): look again later
            return new Outcome(Outcome.Status.NOT_YET, e.toString());
        }
        return outcome[0];
    }

    private static Outcome installIn(Object task) {
        try {
            Object coordinator = read(BaseSourceTask.class, "coordinator", task);
            if (coordinator == null) {
                return new Outcome(Outcome.Status.NOT_YET, "the task has no coordinator yet");
            }
            for (String name : List.of("snapshotMetrics", "streamingMetrics")) {
                Object metrics = read(ChangeEventSourceCoordinator.class, name, coordinator);
                if (metrics == null) {
                    return new Outcome(Outcome.Status.NOT_YET, name + " not made yet");
                }
                if (!(metrics instanceof PipelineMetrics<?>)) {
                    return new Outcome(Outcome.Status.CANNOT, name + " is a " + metrics.getClass().getName());
                }
                Object meter = read(PipelineMetrics.class, "commonEventMeter", metrics);
                Field provider = field(CommonEventMeter.class, "metadataProvider");
                Object current = provider.get(meter);
                if (!(current instanceof EventMetadataProvider p)) {
                    return new Outcome(Outcome.Status.CANNOT, name + "'s event meter has no metadata provider");
                }
                if (!(p instanceof LastEventSummary)) {
                    // a final field written after construction: HotSpot does not fold instance finals of such classes,
                    // and the coordinator's thread sees the new provider at its next synchronization at the latest
                    provider.set(meter, new LastEventSummary(p));
                }
            }
            return new Outcome(Outcome.Status.REPLACED, "");
        } catch (ReflectiveOperationException | RuntimeException e) {
            return new Outcome(Outcome.Status.CANNOT, e.toString());
        }
    }

    private static Object read(Class<?> owner, String name, Object of) throws ReflectiveOperationException {
        return field(owner, name).get(of);
    }

    private static Field field(Class<?> owner, String name) throws NoSuchFieldException {
        Field f = owner.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }
}
