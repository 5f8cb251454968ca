package io.ferry.validation.lag;

import io.ferry.core.event.Marker;
import io.ferry.core.event.SourceInfo;
import io.ferry.core.topic.AppliedPosition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns applied positions into lag, as a pure function. A table has caught up with a heartbeat once the
 * heartbeat passed every partition of its target topic (a marker never overtakes the data before it), so
 * every change committed before that heartbeat is applied, and
 * {@code lag <= source now - the heartbeat's commit time}. Both times are on the source's clock. A
 * read-only source has no heartbeats: lag then comes from the last applied change's commit time, which is
 * exact under load but grows while the source is idle (the documented weaker mode).
 */
public final class LagCalculator {

    private final String sourceType;
    private final boolean readOnly;
    private final Duration warn;
    private final Duration critical;

    public LagCalculator(String sourceType, boolean readOnly, Duration warn, Duration critical) {
        this.sourceType = sourceType;
        this.readOnly = readOnly;
        this.warn = warn;
        this.critical = critical;
    }

    /**
     * @param positions the latest applied position per (sink, topic, partition), keyed by {@link #key}
     * @param partitions partition count per target topic; a topic missing here is not created yet
     * @param sample the source's clock, or null when the source cannot be reached
     */
    public List<TableLag> compute(List<LagTarget> targets, Map<String, AppliedPosition> positions, Map<String, Integer> partitions,
            SourceClock.Sample sample, long nowNanos) {
        List<TableLag> out = new ArrayList<>();
        for (LagTarget t : targets) {
            out.add(one(t, positions, partitions.get(t.topic()), sample, nowNanos));
        }
        return out;
    }

    public static String key(String sink, String topic, int partition) {
        return sink + "\u0000" + topic + "\u0000" + partition;
    }

    private TableLag one(LagTarget t, Map<String, AppliedPosition> positions, Integer partitionCount, SourceClock.Sample sample,
            long nowNanos) {
        if (partitionCount == null) {
            return unknown(t, "", 0, -1, "no target topic yet (transform has not started)");
        }
        Marker slowest = null;
        SourceInfo oldestApplied = null;
        SourceInfo newestApplied = null;
        SourceInfo leastApplied = null;
        long rows = 0;
        int missing = 0;
        int withoutMarker = 0;
        for (int p = 0; p < partitionCount; p++) {
            AppliedPosition ap = positions.get(key(t.sink(), t.topic(), p));
            if (ap == null) {
                missing++;
                continue;
            }
            rows += ap.rowsApplied();
            SourceInfo s = ap.lastSource();
            if (s != null) {
                oldestApplied = oldestApplied == null || s.tsUs() < oldestApplied.tsUs() ? s : oldestApplied;
                newestApplied = newestApplied == null || s.order() > newestApplied.order() ? s : newestApplied;
                leastApplied = leastApplied == null || s.order() < leastApplied.order() ? s : leastApplied;
            }
            Marker m = ap.lastMarker();
            if (m == null || m.kind() != Marker.Kind.HEARTBEAT) {
                withoutMarker++;
            } else if (slowest == null || m.id() < slowest.id()) {
                slowest = m;
            }
        }
        String applied = newestApplied == null ? "" : newestApplied.pos();
        if (sample == null) {
            // the heartbeat every partition has passed, as a drain asks for: none while a partition has not passed one
            return unknown(t, applied, rows, missing + withoutMarker > 0 || slowest == null ? -1 : slowest.id(),
                    "the source cannot be reached: its clock is unknown");
        }
        long now = sample.sourceNowUsAt(nowNanos);
        // from the partition furthest behind (heartbeats move an idle one's position too): the log not yet applied everywhere.
        // Not from the newest: a partition held at an old position while the others went on read as a few bytes behind.
        long distance = missing > 0 || leastApplied == null ? -1 : SourceClock.distance(sourceType, sample.logOrder(), leastApplied.order());
        if (readOnly) {
            if (missing > 0 || oldestApplied == null) {
                return unknown(t, applied, rows, -1, "nothing applied yet on " + (missing > 0 ? missing : partitionCount) + " of "
                        + partitionCount + " partitions");
            }
            if (withoutMarker == 0 && slowest != null) {
                // Debezium's heartbeats (their time: the commit time of the last change processed before them) pass every
                // partition aligned across the transform's tasks: the slowest one bounds the lag whichever task carried a
                // partition's rows. A partition's last applied change does not: a target partition fed by several tasks
                // (a related or re-keyed mapping) shows a fast task's fresh row while a slow one still holds older changes
                long lag = Math.max(0, (now - slowest.tsUs()) / 1_000);
                return new TableLag(t.sink(), t.table(), lag, distance, applied, rows, -1, level(lag),
                        "read-only source: lag from Debezium's heartbeats, high while the source is idle");
            }
            long lag = Math.max(0, (now - oldestApplied.tsUs()) / 1_000);
            return new TableLag(t.sink(), t.table(), lag, distance, applied, rows, -1, level(lag),
                    "read-only source: lag of the last applied change (no Debezium heartbeat has passed every partition yet),"
                            + " high while the source is idle");
        }
        if (missing > 0 || withoutMarker > 0) {
            return unknown(t, applied, rows, -1, "no heartbeat has passed " + (missing + withoutMarker) + " of " + partitionCount
                    + " partitions yet");
        }
        long lag = Math.max(0, (now - slowest.tsUs()) / 1_000);
        return new TableLag(t.sink(), t.table(), lag, distance, applied, rows, slowest.id(), level(lag), "");
    }

    /**
     * A table's lag {@code ageMs} after it was computed. Nothing newer is known, so the bound grows by the
     * time that passed: every change committed more than {@code lag + age} ago was applied at compute time
     * already. A computation older than {@code staleAfterMs} (Kafka or the source did not answer since) says
     * so in the detail. An unknown lag stays unknown.
     */
    public TableLag aged(TableLag l, long ageMs, long staleAfterMs) {
        if (ageMs <= 0) {
            return l;
        }
        String detail = l.detail();
        if (ageMs > staleAfterMs) {
            String stale = "last computed " + ageMs / 1000 + " s ago (Kafka or the source did not answer since); the lag grows with that age";
            detail = detail.isEmpty() ? stale : detail + "; " + stale;
        }
        if (!l.known()) {
            return new TableLag(l.sink(), l.table(), l.lagMs(), l.logDistance(), l.appliedPosition(), l.rowsApplied(), l.markerId(),
                    l.state(), detail);
        }
        long lag = l.lagMs() + ageMs;
        return new TableLag(l.sink(), l.table(), lag, l.logDistance(), l.appliedPosition(), l.rowsApplied(), l.markerId(), level(lag),
                detail);
    }

    private String level(long lagMs) {
        return lagMs > critical.toMillis() ? "CRITICAL" : lagMs > warn.toMillis() ? "WARN" : "OK";
    }

    private static TableLag unknown(LagTarget t, String applied, long rows, long marker, String why) {
        return new TableLag(t.sink(), t.table(), -1, -1, applied, rows, marker, "UNKNOWN", why);
    }
}
