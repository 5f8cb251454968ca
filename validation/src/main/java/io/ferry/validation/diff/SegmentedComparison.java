package io.ferry.validation.diff;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.ferry.core.event.Row;
import io.ferry.core.spi.KeyRange;
import io.ferry.core.spi.SinkWriteException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The data-diff method for a table both of whose sides are SQL and same-shaped ({@link PushDown}): the source's key
 * range is cut into segments of about {@code validation.segment_rows} rows; each segment's count and checksum are
 * computed in both databases; a segment that differs is bisected by its middle key until a range holds at most
 * {@link #ROW_RANGE} rows, and those ranges are compared row by row with the usual comparison. Checksums only decide
 * where to look: every reported difference comes from the row-level comparison. Not thread-safe.
 */
final class SegmentedComparison {

    /** Ranges of at most this many rows (on either side) are compared row by row instead of bisected further. */
    static final int ROW_RANGE = 1_000;

    /** Keys from {@code from} (inclusive) to {@code to} (exclusive); null for an open end. */
    record Range(Long from, Long to) {
    }

    /** Compares one key range row by row: the range in source key terms, then in target key terms. */
    interface RowLevel {
        TableComparison.Outcome compare(KeyRange.Keys source, KeyRange.Keys target, List<String> notes) throws SinkWriteException;
    }

    /**
     * What a pushed-down comparison found.
     *
     * @param compared the ranges compared row by row (the recheck compares them again)
     */
    record Result(TableComparison.Outcome outcome, List<Range> compared, String detail) {
    }

    private final PushDown.Shape shape;
    private final SqlSide source;
    private final SqlSide target;
    private final RowLevel rows;

    SegmentedComparison(PushDown.Shape shape, SqlSide source, SqlSide target, RowLevel rows) {
        this.shape = shape;
        this.source = source;
        this.target = target;
        this.rows = rows;
    }

    /** The first pass: segments, bisection, then the small ranges row by row. */
    Result run(int segmentRows) throws SQLException, SinkWriteException {
        List<Long> bounds = source.boundaries(segmentRows);
        List<Range> segments = new ArrayList<>();
        Long from = null;
        for (int i = 1; i < bounds.size(); i++) {
            segments.add(new Range(from, bounds.get(i)));
            from = bounds.get(i);
        }
        segments.add(new Range(from, null));
        long[] matched = new long[2];
        List<Range> toCompare = new ArrayList<>();
        int bisected = 0;
        for (Range segment : segments) {
            if (!matches(segment, matched, toCompare)) {
                bisected++;
            }
        }
        List<String> notes = new ArrayList<>();
        TableComparison.Outcome rowLevel = compareRows(toCompare, notes);
        TableComparison.Outcome outcome = new TableComparison.Outcome(matched[0] + rowLevel.sourceRows(),
                matched[1] + rowLevel.targetRows(), rowLevel.diffs());
        notes.add(0, "pushed down: " + segments.size() + " segment(s)" + (bisected == 0 ? ", all matching"
                : ", " + bisected + " bisected to " + toCompare.size() + " range(s) compared row by row"));
        return new Result(outcome, toCompare, String.join("; ", notes));
    }

    /**
     * The recheck: the ranges the first pass compared row by row, compared again; the counts are the whole tables'
     * at this time.
     */
    Result recheck(List<Range> ranges) throws SQLException, SinkWriteException {
        List<String> notes = new ArrayList<>();
        TableComparison.Outcome rowLevel = compareRows(ranges, notes);
        Range all = new Range(null, null);
        TableComparison.Outcome outcome = new TableComparison.Outcome(source.count(all), target.count(all), rowLevel.diffs());
        notes.add(0, "rechecked " + ranges.size() + " range(s) row by row");
        return new Result(outcome, ranges, String.join("; ", notes));
    }

    /**
     * Whether the range's count and checksum agree on both sides: if so its rows are added to {@code matched} (source,
     * target); if not it is bisected, and what still differs goes to {@code out}.
     */
    private boolean matches(Range range, long[] matched, List<Range> out) throws SQLException {
        SqlSide.Sum s = source.sum(range);
        SqlSide.Sum t = target.sum(range);
        if (s.count() == t.count() && s.checksum().compareTo(t.checksum()) == 0) {
            matched[0] += s.count();
            matched[1] += t.count();
            return true;
        }
        long rows = Math.max(s.count(), t.count());
        Long middle = rows <= ROW_RANGE ? null : (s.count() >= t.count() ? source : target).keyAt(range, rows / 2);
        if (middle == null || (range.from() != null && middle <= range.from())) {
            out.add(range);
        } else {
            matches(new Range(range.from(), middle), matched, out);
            matches(new Range(middle, range.to()), matched, out);
        }
        return false;
    }

    private TableComparison.Outcome compareRows(List<Range> ranges, List<String> notes) throws SinkWriteException {
        long sourceRows = 0;
        long targetRows = 0;
        Map<Row, RowDiff> diffs = new HashMap<>();
        Set<String> rangeNotes = new LinkedHashSet<>();
        for (Range r : ranges) {
            List<String> these = new ArrayList<>();
            TableComparison.Outcome o = rows.compare(keys(shape.sourceKey(), r), keys(shape.targetKey(), r), these);
            sourceRows += o.sourceRows();
            targetRows += o.targetRows();
            diffs.putAll(o.diffs());
            these.stream().filter(n -> !n.isEmpty()).forEach(rangeNotes::add);
        }
        notes.addAll(rangeNotes);
        return new TableComparison.Outcome(sourceRows, targetRows, diffs);
    }

    private static KeyRange.Keys keys(String column, Range r) {
        return new KeyRange.Keys(bound(column, r.from()), bound(column, r.to()));
    }

    private static Row bound(String column, Long value) {
        return value == null ? null : Row.builder().put(column, JsonNodeFactory.instance.numberNode(value)).build();
    }
}
