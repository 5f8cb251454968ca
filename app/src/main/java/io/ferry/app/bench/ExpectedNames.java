package io.ferry.app.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * Rows the target must come to hold, each with the name it must carry: the snapshot's rows, or the backlog's inserts and
 * updates. Each look asks the target for at most {@link BenchTarget.Reader#idsPerLook()} ids it has not seen yet (chunks of
 * {@value #CHUNK}), going on from where the last look stopped (round and round the ids still missing), and forgets the rows
 * it found. A look's
 * cost is bounded whatever the order rows arrive in (a contender writes its partitions independently); once everything
 * arrived, the cursor comes round within a few looks, and the look that passes asks only for the rows no earlier look saw.
 * So the moment taken (the start of that look) is late by at most the time the cursor needs to come round the rows missing
 * at the end, and early by at most that look's own duration. A look that found every id it asked for lets the next ask
 * for twice as many (up to {@value #MAX_WIDEN} times the target's {@code idsPerLook}), so a contender faster than one look's
 * share per interval is still seen when it gets there; a look that misses any id falls back to the target's own share,
 * which bounds what looking costs while rows are still missing; a widened look may ask the target several requests at once
 * ({@link BenchTarget.Reader#namesLikelyThere}: Cassandra's IN lists, which one at a time confirmed ~10,000 rows/s, slower
 * than Ferry's bulk copy writes them). No row count: a {@code count(*)} scans the whole table on
 * every look, which on Cassandra takes seconds and competes with the contender for the same cores.
 */
final class ExpectedNames {

    private static final int CHUNK = 1_000;
    private static final int MAX_WIDEN = 32;

    /** Ids still to be seen, in the order they were written. */
    private final List<Long> remaining;
    private final LongFunction<String> nameOf;
    private final long total;
    /** Where the next look goes on in {@link #remaining}. */
    private int cursor;
    /** The next look asks for this many times the target's {@code idsPerLook}. */
    private int widen = 1;
    /** Rows seen by the looks so far (for {@link DrainTimeline}'s thread). */
    private volatile long seen;
    /** Whether a look that missed makes the next one start again at the first id it missed (rows arriving in order). */
    private final boolean inOrder;

    /** {@code ids}: in the order to look for them; {@code nameOf}: the name each must have. */
    ExpectedNames(List<Long> ids, LongFunction<String> nameOf) {
        this(ids, nameOf, false);
    }

    private ExpectedNames(List<Long> ids, LongFunction<String> nameOf, boolean inOrder) {
        this.remaining = new ArrayList<>(ids);
        this.nameOf = nameOf;
        this.total = ids.size();
        this.inOrder = inOrder;
    }

    /**
     * The snapshot's rows 1..rows, as the source was filled. Every contender reads the table in about key order (the
     * peer's rows then spread over six partitions), so a look that misses rows makes the next start again at the first
     * it missed: the looks stay at the front of what has arrived instead of going on through the ids still to come, and
     * the one that passes follows the last rows closely.
     */
    static ExpectedNames snapshot(long rows) {
        List<Long> ids = new ArrayList<>();
        for (long id = 1; id <= rows; id++) {
            ids.add(id);
        }
        return new ExpectedNames(ids, BenchTable::insertedName, true);
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
        boolean widened = widen > 1;
        int budget = (int) Math.min(remaining.size(), (long) target.idsPerLook() * widen);
        boolean missed = false;
        Long firstMissed = null;
        while (budget > 0 && !remaining.isEmpty()) {
            if (cursor >= remaining.size()) {
                cursor = 0;
            }
            int size = Math.min(Math.min(CHUNK, budget), remaining.size() - cursor);
            List<Long> chunk = remaining.subList(cursor, cursor + size);
            Map<Long, String> found = widened ? target.namesLikelyThere(chunk) : target.names(chunk);
            List<Long> missing = new ArrayList<>();
            for (Long id : chunk) {
                if (!nameOf.apply(id).equals(found.get(id))) {
                    missing.add(id);
                }
            }
            if (firstMissed == null && !missing.isEmpty()) {
                firstMissed = missing.get(0);
            }
            missed |= !missing.isEmpty();
            chunk.clear();
            remaining.addAll(cursor, missing);
            cursor += missing.size();
            budget -= size;
        }
        widen = missed ? 1 : Math.min(widen * 2, MAX_WIDEN);
        if (inOrder && firstMissed != null) {
            cursor = remaining.indexOf(firstMissed);
        }
        seen = total - remaining.size();
        return remaining.isEmpty();
    }

    int remaining() {
        return remaining.size();
    }

    /** Rows seen so far, as of the last look ended; safe to read from another thread. */
    long seen() {
        return seen;
    }
}
