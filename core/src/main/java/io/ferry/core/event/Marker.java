package io.ferry.core.event;

import java.util.Locale;
import java.util.Objects;

/**
 * A position marker that travels through every partition of every topic behind the data written
 * before it: heartbeats (written by Ferry into the source every interval; lag follows them) and drain
 * markers ({@code ferry cutover drain} waits until every sink applied one).
 *
 * @param id increasing per source
 * @param tsUs when the marker row was committed at the source, microseconds since the epoch, source clock
 */
public record Marker(long id, long tsUs, Kind kind) {

    public enum Kind {
        HEARTBEAT, DRAIN;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Kind fromWire(String s) {
            for (Kind k : values()) {
                if (k.wireName().equals(s)) {
                    return k;
                }
            }
            throw new EventFormatException("marker kind must be heartbeat or drain, got '" + s + "'");
        }
    }

    public Marker {
        Objects.requireNonNull(kind, "kind");
    }
}
