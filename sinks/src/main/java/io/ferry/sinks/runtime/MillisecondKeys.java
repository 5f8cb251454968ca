package io.ferry.sinks.runtime;

import io.ferry.core.schema.Column;
import io.ferry.core.spi.TargetTable;
import io.ferry.core.types.CanonicalType;
import java.util.List;
import java.util.Optional;

/**
 * Targets that keep times at milliseconds (Cassandra, MongoDB) merge rows whose time key columns differ below a
 * millisecond: the later write overwrites the earlier, and a delete of either removes both. Said once per table, when
 * the sink first prepares it; validation reports such rows as missing.
 */
public final class MillisecondKeys {

    private MillisecondKeys() {
    }

    /** The warning for a table with a time among its key columns; empty otherwise. */
    public static Optional<String> warning(String sink, String target, TargetTable table) {
        List<String> times = table.columns().stream().filter(c -> table.key().contains(c.name())).filter(MillisecondKeys::time)
                .map(Column::name).toList();
        if (times.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("sink " + sink + ": the key of " + table.name() + " has timestamp column(s) " + times + ", which " + target
                + " keeps at milliseconds: source rows whose keys differ below a millisecond become one row (the later write"
                + " wins, a delete of either removes both). If the source's times carry microseconds that matter, key the"
                + " target by them as text (a cast: text in the mapping)");
    }

    private static boolean time(Column c) {
        CanonicalType k = c.type().kind();
        // a time of day keeps its nanoseconds in Cassandra, and is text in MongoDB
        return k == CanonicalType.TIMESTAMP || k == CanonicalType.TIMESTAMPTZ;
    }
}
