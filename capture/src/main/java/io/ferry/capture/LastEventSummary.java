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
import java.util.ArrayList;
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
 * and {@code MariaDbCaptureIT} read the attribute over JMX.
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

    /**
     * Puts the table-name summary into the snapshot and streaming metrics of the engine's running task; call once its
     * task started (before it reads a change).
     *
     * @return empty when both were changed, else what could not be (for a WARN)
     */
    static List<String> install(DebeziumEngine<?> engine) {
        List<String> missing = new ArrayList<>();
        if (!(engine instanceof AsyncEmbeddedEngine<?> async)) {
            missing.add("the engine is a " + (engine == null ? "null" : engine.getClass().getName()) + ", not Debezium's async engine");
            return missing;
        }
        boolean[] ran = {false};
        async.runWithTask(task -> {
            ran[0] = true;
            try {
                Object coordinator = read(BaseSourceTask.class, "coordinator", task);
                for (String metrics : List.of("snapshotMetrics", "streamingMetrics")) {
                    Object m = read(ChangeEventSourceCoordinator.class, metrics, coordinator);
                    if (!(m instanceof PipelineMetrics<?>)) {
                        missing.add(metrics + " is " + (m == null ? "not set" : "a " + m.getClass().getName()));
                        continue;
                    }
                    Object meter = read(PipelineMetrics.class, "commonEventMeter", m);
                    Field provider = field(CommonEventMeter.class, "metadataProvider");
                    Object current = provider.get(meter);
                    if (current instanceof EventMetadataProvider p && !(p instanceof LastEventSummary)) {
                        provider.set(meter, new LastEventSummary(p));
                    }
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                missing.add(e.toString());
            }
        });
        if (!ran[0]) {
            missing.add("the engine has no running task");
        }
        return missing;
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
