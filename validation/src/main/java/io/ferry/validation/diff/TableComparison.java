package io.ferry.validation.diff;

import io.ferry.core.event.Row;
import io.ferry.core.spi.TargetTable;
import io.ferry.core.types.Tolerance;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Compares one target table with what the source maps to, by key: the expected rows are held, the target's rows
 * stream past ({@link #accept}), each matched and removed; what is left expected at the end is missing. Counts are
 * exact; every differing key is kept (for the recheck), samples are picked from them at the end.
 */
final class TableComparison implements Consumer<Row> {

    private final TargetTable table;
    private final Tolerance tolerance;
    private final java.util.function.Function<String, Tolerance> columns;
    private final Map<Row, Row> expected;
    private final long expectedCount;
    private final Map<Row, RowDiff> diffs = new HashMap<>();
    private long targetRows;

    /** @param expected normalized target key → mapped row; taken over and emptied */
    TableComparison(TargetTable table, Tolerance tolerance, Map<Row, Row> expected) {
        this(table, tolerance, c -> tolerance, expected);
    }

    /** @param columns each column's tolerance (keys are matched with {@code tolerance}) */
    TableComparison(TargetTable table, Tolerance tolerance, java.util.function.Function<String, Tolerance> columns, Map<Row, Row> expected) {
        this.table = table;
        this.tolerance = tolerance;
        this.columns = columns;
        this.expected = expected;
        this.expectedCount = expected.size();
    }

    @Override
    public void accept(Row actual) {
        accept(TargetValues.key(table, actual, tolerance), actual);
    }

    /** A target row whose normalized key ({@link TargetValues#key} at the table's tolerance) the caller has already made. */
    void accept(Row key, Row actual) {
        targetRows++;
        Row want = expected.remove(key);
        if (want == null) {
            diffs.put(key, RowDiff.extra(key));
            return;
        }
        List<String> columns = TargetValues.differingColumns(table, want, actual, this.columns);
        if (!columns.isEmpty()) {
            diffs.put(key, RowDiff.different(key, columns));
        }
    }

    Outcome finish() {
        for (Row key : expected.keySet()) {
            diffs.put(key, RowDiff.missing(key));
        }
        expected.clear();
        return new Outcome(expectedCount, targetRows, diffs);
    }

    /**
     * What one comparison of a table found; {@code unmappable} counts the source rows the mapping refuses (the pipeline
     * dead-lettered them, so the target lacks them although no key says so).
     */
    record Outcome(long sourceRows, long targetRows, Map<Row, RowDiff> diffs, long unmappable) {

        Outcome {
            diffs = Map.copyOf(diffs);
        }

        Outcome(long sourceRows, long targetRows, Map<Row, RowDiff> diffs) {
            this(sourceRows, targetRows, diffs, 0);
        }

        Outcome withUnmappable(long rows) {
            return new Outcome(sourceRows, targetRows, diffs, rows);
        }

        long count(String kind) {
            return diffs.values().stream().filter(d -> d.kind().equals(kind)).count();
        }

        /**
         * This (second) comparison's differences that the first one found too: a key that differed only once was a
         * change in flight, not a mismatch.
         */
        Outcome confirming(Outcome first) {
            Map<Row, RowDiff> both = new HashMap<>();
            diffs.forEach((key, diff) -> {
                if (first.diffs().containsKey(key)) {
                    both.put(key, diff);
                }
            });
            return new Outcome(sourceRows, targetRows, both, unmappable);
        }

        /** The first {@link TableResult#MAX_SAMPLES} differences by key. */
        List<RowDiff> samples() {
            List<RowDiff> all = new ArrayList<>(diffs.values());
            all.sort((a, b) -> SourceLookup.compareKeys(List.copyOf(a.key().asMap().values()), List.copyOf(b.key().asMap().values())));
            return all.subList(0, Math.min(all.size(), TableResult.MAX_SAMPLES));
        }

        TableResult result(String sink, String table, String detail) {
            // a row the mapping refuses is missing from the target (counted so, without a sample: it has no target key)
            return new TableResult(sink, table, diffs.isEmpty() && unmappable == 0 ? TableResult.MATCH : TableResult.DIFF, sourceRows, targetRows,
                    count(RowDiff.MISSING) + unmappable, count(RowDiff.EXTRA), count(RowDiff.DIFFERENT), samples(), detail);
        }
    }
}
