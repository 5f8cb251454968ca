package io.ferry.app.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Rows the target must come to hold, each with the name it must carry: the backlog's inserts and updates. Each look asks the
 * target only for rows it has not seen yet, a chunk at a time and the last written first; it stops at the first chunk with a
 * row still missing. So a look while the drain runs costs one small query, and the look that passes has seen every row.
 */
final class ExpectedNames {

    private static final int CHUNK = 1_000;

    /** Ids still to be seen, the last written first; the name each must have. */
    private final List<Long> remaining;
    private final Map<Long, String> names;

    /** {@code idsLastFirst}: every id of {@code names}, in the order to look for them. */
    ExpectedNames(List<Long> idsLastFirst, Map<Long, String> names) {
        this.remaining = new ArrayList<>(idsLastFirst);
        this.names = names;
    }

    /** The backlog's: its inserts, the highest id first, then its updates. */
    static ExpectedNames of(LoadGenerator.BacklogRun b) {
        List<Long> ids = new ArrayList<>();
        Map<Long, String> names = new java.util.HashMap<>();
        for (long id = b.insertTo(); id >= b.insertFrom(); id--) {
            ids.add(id);
            names.put(id, BenchTable.insertedName(id));
        }
        for (long id = 1; id <= b.updates(); id++) {
            ids.add(id);
            names.put(id, BenchTable.backlogName(id));
        }
        return new ExpectedNames(ids, names);
    }

    /** True once the target held every row with its name (rows seen in an earlier look are not asked for again). */
    boolean seenIn(BenchTarget.Reader target) throws Exception {
        while (!remaining.isEmpty()) {
            List<Long> chunk = remaining.subList(0, Math.min(CHUNK, remaining.size()));
            Map<Long, String> found = target.names(chunk);
            List<Long> missing = new ArrayList<>();
            for (Long id : chunk) {
                if (!names.get(id).equals(found.get(id))) {
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
}
