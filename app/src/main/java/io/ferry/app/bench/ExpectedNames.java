package io.ferry.app.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * Rows the target must come to hold, each with the name it must carry: the snapshot's rows, or the backlog's inserts and
 * updates. Each look asks the target only for rows it has not seen yet, a chunk at a time in the order they were written, and
 * stops at the first chunk with a row still missing. Rows arrive roughly in that order, so each look while a phase runs costs a
 * query or two (a look sees the chunks completed since the last one), and the look that passes asks for the last rows only. No
 * row count: a {@code count(*)} scans the whole table on every look, which on Cassandra takes seconds and competes with the
 * contender for the same cores.
 */
final class ExpectedNames {

    private static final int CHUNK = 1_000;

    /** Ids still to be seen, in the order they were written. */
    private final List<Long> remaining;
    private final LongFunction<String> nameOf;
    private final long total;

    /** {@code ids}: in the order to look for them; {@code nameOf}: the name each must have. */
    ExpectedNames(List<Long> ids, LongFunction<String> nameOf) {
        this.remaining = new ArrayList<>(ids);
        this.nameOf = nameOf;
        this.total = ids.size();
    }

    /** The snapshot's rows 1..rows, as the source was filled. */
    static ExpectedNames snapshot(long rows) {
        List<Long> ids = new ArrayList<>();
        for (long id = 1; id <= rows; id++) {
            ids.add(id);
        }
        return new ExpectedNames(ids, BenchTable::insertedName);
    }

    /** The backlog's: its inserts in id order, then its updates (their ids are below every insert's). */
    static ExpectedNames of(LoadGenerator.BacklogRun b) {
        List<Long> ids = new ArrayList<>();
        for (long id = b.insertFrom(); id <= b.insertTo(); id++) {
            ids.add(id);
        }
        for (long id = 1; id <= b.updates(); id++) {
            ids.add(id);
        }
        return new ExpectedNames(ids, id -> id >= b.insertFrom() ? BenchTable.insertedName(id) : BenchTable.backlogName(id));
    }

    /** True once the target held every row with its name (rows seen in an earlier look are not asked for again). */
    boolean seenIn(BenchTarget.Reader target) throws Exception {
        while (!remaining.isEmpty()) {
            List<Long> chunk = remaining.subList(0, Math.min(CHUNK, remaining.size()));
            Map<Long, String> found = target.names(chunk);
            List<Long> missing = new ArrayList<>();
            for (Long id : chunk) {
                if (!nameOf.apply(id).equals(found.get(id))) {
                    missing.add(id);
                }
            }
            chunk.clear();
            remaining.addAll(0, missing);
            if (!missing.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    int remaining() {
        return remaining.size();
    }

    /** Rows seen so far. */
    long seen() {
        return total - remaining.size();
    }
}
