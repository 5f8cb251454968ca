package io.ferry.core.event;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * What transform publishes on a target topic, keyed by the target key. A sink may collapse upserts
 * and deletes of one key inside a batch, but applies patches in order and never moves a patch across
 * a later upsert of the same key.
 */
public sealed interface TargetEvent
        permits TargetEvent.Upsert, TargetEvent.Delete, TargetEvent.Patch, TargetEvent.MarkerPassage {

    SourceInfo source();

    /** The target table a row's event writes; null for a marker's passage, which writes none. */
    default String table() {
        return null;
    }

    /** Applies the function for this event's kind: an exhaustive switch that Java 17 can check. */
    default <R> R match(Function<Upsert, R> onUpsert, Function<Delete, R> onDelete, Function<Patch, R> onPatch,
            Function<MarkerPassage, R> onMarker) {
        if (this instanceof Upsert u) {
            return onUpsert.apply(u);
        }
        if (this instanceof Delete d) {
            return onDelete.apply(d);
        }
        if (this instanceof Patch p) {
            return onPatch.apply(p);
        }
        return onMarker.apply((MarkerPassage) this);
    }

    /** Insert or replace the whole target row (or document) with this key. */
    record Upsert(String table, Row key, Row row, SourceInfo source) implements TargetEvent {
        public Upsert {
            Objects.requireNonNull(table, "table");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(row, "row");
            Objects.requireNonNull(source, "source");
        }
    }

    /** Delete the target row (or document) with this key; deleting a missing row is not an error. */
    record Delete(String table, Row key, SourceInfo source) implements TargetEvent {
        public Delete {
            Objects.requireNonNull(table, "table");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(source, "source");
        }
    }

    /**
     * Change one part of a nested document: {@code path} walks from the document root through
     * sub-documents and arrays (an array element is found by its key); {@code SET} replaces or
     * appends the element / sub-document with {@code value}, {@code REMOVE} takes it out.
     */
    record Patch(String table, Row key, List<PathStep> path, Action action, Row value, SourceInfo source)
            implements TargetEvent {

        public enum Action {
            SET, REMOVE;

            public String wireName() {
                return name().toLowerCase(Locale.ROOT);
            }
        }

        public Patch {
            Objects.requireNonNull(table, "table");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(source, "source");
            path = List.copyOf(path);
            if (path.isEmpty()) {
                throw new IllegalArgumentException("a patch needs a path into the document");
            }
            if ((action == Action.SET) == (value == null)) {
                throw new IllegalArgumentException(action == Action.SET ? "a SET patch needs a value" : "a REMOVE patch has no value");
            }
        }
    }

    /**
     * One step of a patch path: a field of the document, and for an array field the key of the element.
     *
     * @param elementKey null for a sub-document, the element's key columns for an array element
     */
    record PathStep(String field, Row elementKey) {
        public PathStep {
            Objects.requireNonNull(field, "field");
        }

        public static PathStep field(String field) {
            return new PathStep(field, null);
        }

        public static PathStep element(String field, Row elementKey) {
            return new PathStep(field, Objects.requireNonNull(elementKey, "elementKey"));
        }
    }

    /**
     * A marker carried to every partition of the target topic, behind the events before it. Each of the
     * {@code origins} upstream tasks that write the topic sends its own copy once everything it read before the
     * marker is written: a partition has passed a marker when the copies of all origins arrived.
     *
     * @param origin the upstream task that sent this copy, 0..origins-1
     * @param origins how many upstream tasks send copies to each partition
     */
    record MarkerPassage(Marker marker, SourceInfo source, int origin, int origins) implements TargetEvent {
        public MarkerPassage {
            Objects.requireNonNull(marker, "marker");
            Objects.requireNonNull(source, "source");
            if (origins < 1 || origin < 0 || origin >= origins) {
                throw new IllegalArgumentException("marker origin " + origin + " of " + origins + " is out of range");
            }
        }

        /** A marker from a single upstream task. */
        public MarkerPassage(Marker marker, SourceInfo source) {
            this(marker, source, 0, 1);
        }
    }
}
