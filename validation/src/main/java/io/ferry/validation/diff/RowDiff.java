package io.ferry.validation.diff;

import io.ferry.core.event.Row;
import java.util.List;
import java.util.Objects;

/**
 * One row that differs between what the source maps to and what the target holds.
 *
 * @param kind {@code missing} (expected, not in the target), {@code extra} (in the target, not expected) or
 *     {@code different} (both, with other values)
 * @param key the target key, as the target stores it (or as the source maps it, for a missing row)
 * @param columns for {@code different}, the target columns whose values differ, in column order; empty otherwise
 */
public record RowDiff(String kind, Row key, List<String> columns) {

    public static final String MISSING = "missing";
    public static final String EXTRA = "extra";
    public static final String DIFFERENT = "different";

    public RowDiff {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(key, "key");
        columns = List.copyOf(columns);
    }

    static RowDiff missing(Row key) {
        return new RowDiff(MISSING, key, List.of());
    }

    static RowDiff extra(Row key) {
        return new RowDiff(EXTRA, key, List.of());
    }

    static RowDiff different(Row key, List<String> columns) {
        return new RowDiff(DIFFERENT, key, columns);
    }
}
