package io.ferry.validation.diff;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of comparing one target table of one sink with what the source maps to.
 *
 * @param result {@link #MATCH}, {@link #DIFF}, {@link #SKIPPED} (could not be compared, e.g. the sink cannot read rows
 *     back; {@code detail} says why) or {@link #ERROR} (a server failed or a value could not be read; {@code detail} says
 *     what)
 * @param sourceRows the rows the source maps to for this table: the rows expected in the target (after filters)
 * @param targetRows the rows the target holds
 * @param missing expected rows the target lacks (exact)
 * @param extra target rows nothing at the source maps to (exact)
 * @param different rows in both whose values differ in at least one column (exact)
 * @param samples at most {@link #MAX_SAMPLES} of the differing rows, ordered by key
 * @param detail why a table was skipped or failed, or notes (source rows that do not map); empty when none
 */
public record TableResult(String sink, String table, String result, long sourceRows, long targetRows, long missing, long extra,
        long different, List<RowDiff> samples, String detail) {

    public static final String MATCH = "MATCH";
    public static final String DIFF = "DIFF";
    public static final String SKIPPED = "SKIPPED";
    public static final String ERROR = "ERROR";
    public static final int MAX_SAMPLES = 10;

    public TableResult {
        Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(result, "result");
        samples = List.copyOf(samples);
        detail = detail == null ? "" : detail;
    }

    static TableResult skipped(String sink, String table, String reason) {
        return new TableResult(sink, table, SKIPPED, 0, 0, 0, 0, 0, List.of(), reason);
    }

    static TableResult error(String sink, String table, String reason) {
        return new TableResult(sink, table, ERROR, 0, 0, 0, 0, 0, List.of(), reason);
    }

    /** Differing rows of every kind. */
    public long differences() {
        return missing + extra + different;
    }
}
