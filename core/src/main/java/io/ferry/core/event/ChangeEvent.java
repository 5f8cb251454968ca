package io.ferry.core.event;

import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * What capture publishes on a change topic: a row change, or a marker copied to every partition.
 * Switch over it exhaustively; there is no "no-op" event.
 */
public sealed interface ChangeEvent permits ChangeEvent.RowChange, ChangeEvent.MarkerEvent {

    SourceInfo source();

    /**
     * Applies the function for this event's kind: Java 17's stand-in for an exhaustive pattern
     * switch, so adding a kind breaks every caller at compile time.
     */
    default <R> R match(Function<RowChange, R> onRow, Function<MarkerEvent, R> onMarker) {
        if (this instanceof RowChange row) {
            return onRow.apply(row);
        }
        return onMarker.apply((MarkerEvent) this);
    }

    /** The kind of row change, as Debezium names them. */
    enum Op {
        CREATE("c"), UPDATE("u"), DELETE("d"), /** A row read by a snapshot. */ READ("r");

        private final String code;

        Op(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }

        public static Op fromCode(String code) {
            for (Op op : values()) {
                if (op.code.equals(code)) {
                    return op;
                }
            }
            throw new EventFormatException("op must be one of c, u, d, r, m, got '" + code + "'");
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One row's change. {@code key} holds the primary key columns in key order. A delete has
     * {@code after == null}; {@code before} may be null or partial (PostgreSQL's default replica
     * identity), so nothing downstream relies on it.
     *
     * <p>{@code keyChange} is set when the source changed the row's primary key, which Debezium sends as a delete of the
     * old key and a create of the new one: on the delete the new key, on the create the old key. Null for every other
     * change, and for such pairs written by builds before session 31. Transform tells a key change from a delete by it:
     * MySQL's unlogged {@code ON UPDATE} actions follow a key change, its {@code ON DELETE} actions do not.
     */
    record RowChange(Op op, TableId table, Row key, Row before, Row after, SourceInfo source, int schemaVersion, Row keyChange)
            implements ChangeEvent {

        /** A change that is not one half of a primary-key change. */
        public RowChange(Op op, TableId table, Row key, Row before, Row after, SourceInfo source, int schemaVersion) {
            this(op, table, key, before, after, source, schemaVersion, null);
        }

        public RowChange {
            if (keyChange != null && op != Op.DELETE && op != Op.CREATE) {
                throw new IllegalArgumentException("only a delete or a create is half of a key change, not a " + op);
            }
            Objects.requireNonNull(op, "op");
            Objects.requireNonNull(table, "table");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(source, "source");
            if (op == Op.DELETE ? after != null : after == null) {
                throw new IllegalArgumentException(op == Op.DELETE
                        ? "a delete carries no after image" : "a " + op + " needs an after image");
            }
        }

        public static RowChange insert(TableId table, Row key, Row after, SourceInfo source, int schemaVersion) {
            return new RowChange(Op.CREATE, table, key, null, after, source, schemaVersion);
        }

        public static RowChange update(TableId table, Row key, Row before, Row after, SourceInfo source, int schemaVersion) {
            return new RowChange(Op.UPDATE, table, key, before, after, source, schemaVersion);
        }

        public static RowChange delete(TableId table, Row key, Row before, SourceInfo source, int schemaVersion) {
            return new RowChange(Op.DELETE, table, key, before, null, source, schemaVersion);
        }

        public static RowChange read(TableId table, Row key, Row after, SourceInfo source, int schemaVersion) {
            return new RowChange(Op.READ, table, key, null, after, source, schemaVersion);
        }

        /** This change with another source position and schema version (what capture publishes). */
        public RowChange published(SourceInfo stamped, int version) {
            return new RowChange(op, table, key, before, after, stamped, version, keyChange);
        }

        /** This change as one half of a primary-key change: {@code other} is the key on the other side of it. */
        public RowChange keyChanged(Row other) {
            return new RowChange(op, table, key, before, after, source, schemaVersion, other);
        }
    }

    /** A heartbeat or drain marker; its Kafka key is null and capture sends it to each partition. */
    record MarkerEvent(Marker marker, SourceInfo source) implements ChangeEvent {

        public MarkerEvent {
            Objects.requireNonNull(marker, "marker");
            Objects.requireNonNull(source, "source");
        }
    }
}
