package io.ferry.core.event;

import java.util.Locale;
import java.util.Objects;

/**
 * A position marker that travels through every partition of every topic behind the data written
 * before it: heartbeats (written by Ferry into the source every interval; lag follows them) and drain
 * markers ({@code ferry cutover drain} waits until every sink applied one).
 *
 * <p>Capture also writes snapshot bounds into every partition of one table's change topic: {@code snapshot_start}
 * before the first row a snapshot run reads of the table, {@code snapshot_end} after its last (or, for a table the
 * run found empty, alone). Transform keeps them to itself: when a run ends it removes the rows of the table that run
 * did not read, which an earlier, interrupted run left behind (rows deleted at the source while capture was down
 * and the snapshot started over). They never reach the target topics.
 *
 * @param id increasing per source; for snapshot bounds, the snapshot run's id (the same in its start and end)
 * @param tsUs when the marker row was committed at the source, microseconds since the epoch, source clock
 * @param table the table of a snapshot bound; null for heartbeats and drains
 */
public record Marker(long id, long tsUs, Kind kind, TableId table) {

    public enum Kind {
        HEARTBEAT, DRAIN, SNAPSHOT_START, SNAPSHOT_END;

        /** Whether markers of this kind bound a table's snapshot run (and stay in transform). */
        public boolean snapshotBound() {
            return this == SNAPSHOT_START || this == SNAPSHOT_END;
        }

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Kind fromWire(String s) {
            for (Kind k : values()) {
                if (k.wireName().equals(s)) {
                    return k;
                }
            }
            throw new EventFormatException("marker kind must be heartbeat, drain, snapshot_start or snapshot_end, got '" + s + "'");
        }
    }

    public Marker {
        Objects.requireNonNull(kind, "kind");
        if (kind.snapshotBound() != (table != null)) {
            throw new IllegalArgumentException("a " + kind.wireName() + " marker " + (table == null ? "needs" : "has no") + " table");
        }
    }

    /** A heartbeat or drain marker. */
    public Marker(long id, long tsUs, Kind kind) {
        this(id, tsUs, kind, null);
    }
}
