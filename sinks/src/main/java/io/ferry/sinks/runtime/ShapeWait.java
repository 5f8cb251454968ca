package io.ferry.sinks.runtime;

import io.ferry.core.event.TargetEvent;
import io.ferry.core.schema.Column;
import io.ferry.core.spi.TargetTable;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Whether a batch of target events can be written with the target shapes known now: every table it writes has a shape,
 * and every column of an upserted row is a column of its table's shape.
 *
 * <p>A row can carry a column its table's shape lacks for two reasons. The column was added at the source and the sink
 * has not read the new schema yet: capture publishes a table's new schema with the first change that has it, and the
 * sink reads that change on one consumer and the schema on another (the service's schema catalog), so either may come
 * first. Written then, the new column's value would be left out of the target row until the row changed again. Or the
 * column was dropped at the source after the row was mapped (rows still waiting in a topic), and waiting would never
 * end. A column that some shape of the table has had since this runner started is a dropped one and is not waited for;
 * any other is waited for, at most {@link #COLUMN_WAIT}, and then left out with a warning (a column dropped before the
 * runner started, or a mapping whose shape no longer computes: the status and the log name the mapping problem).
 *
 * <p>The poll thread's only; not thread-safe.
 */
final class ShapeWait {

    /** How long a column a row carries and its table's shape lacks is waited for before it is left out. */
    static final Duration COLUMN_WAIT = Duration.ofSeconds(30);

    private final Duration columnWait;
    /** Per table: every column some shape of it has had, and the columns given up on (no longer waited for). */
    private final Map<String, Set<String>> settled = new HashMap<>();
    /** The shapes map the last check saw (the service replaces it whenever a schema changes). */
    private Map<String, TargetTable> lastShapes;
    /** Per table, the column names of its shape in {@link #lastShapes}: made once per shapes map, not per batch. */
    private Map<String, Set<String>> columnsNow = Map.of();
    /** Per table and column: when a batch first waited for it (System.nanoTime). */
    private final Map<String, Map<String, Long>> waitingSince = new HashMap<>();

    ShapeWait() {
        this(COLUMN_WAIT);
    }

    ShapeWait(Duration columnWait) {
        this.columnWait = columnWait;
    }

    Duration columnWait() {
        return columnWait;
    }

    /**
     * What the batch waits for.
     *
     * @param tables the tables without a shape
     * @param columns per table with a shape, the columns its rows carry and the shape lacks, still waited for
     * @param givenUp per table, the columns waited for longer than the bound by now: left out from now on
     */
    record Missing(Set<String> tables, Map<String, Set<String>> columns, Map<String, Set<String>> givenUp) {

        boolean none() {
            return tables.isEmpty() && columns.isEmpty();
        }
    }

    /** Checks a batch against the shapes known now ({@code nowNanos}: System.nanoTime). */
    Missing check(List<TargetEvent> events, Map<String, TargetTable> shapes, long nowNanos) {
        if (shapes != lastShapes) {
            // every shape seen settles its columns, also of tables this batch does not write (a column dropped later)
            Map<String, Set<String>> names = new HashMap<>();
            shapes.forEach((table, shape) -> {
                Set<String> columns = names(shape);
                names.put(table, columns);
                settled.computeIfAbsent(table, t -> new HashSet<>()).addAll(columns);
            });
            columnsNow = names;
            lastShapes = shapes;
        }
        Set<String> unknown = new TreeSet<>();
        Map<String, Set<String>> missing = new TreeMap<>();
        for (TargetEvent e : events) {
            String table = e.table();
            if (table == null) {
                continue;
            }
            Set<String> columns = columnsNow.get(table);
            if (columns == null) {
                unknown.add(table);
                continue;
            }
            if (!(e instanceof TargetEvent.Upsert u)) {
                continue;
            }
            if (columns.containsAll(u.row().columns())) {
                continue; // the common case: one lookup per column
            }
            Set<String> known = settled.computeIfAbsent(table, t -> new HashSet<>());
            for (String c : u.row().columns()) {
                if (!known.contains(c)) {
                    missing.computeIfAbsent(table, t -> new TreeSet<>()).add(c);
                }
            }
        }
        Map<String, Set<String>> givenUp = new TreeMap<>();
        waitingSince.keySet().retainAll(missing.keySet());
        for (var entry : missing.entrySet()) {
            Map<String, Long> since = waitingSince.computeIfAbsent(entry.getKey(), t -> new HashMap<>());
            since.keySet().retainAll(entry.getValue());
            for (var it = entry.getValue().iterator(); it.hasNext();) {
                String c = it.next();
                long first = since.computeIfAbsent(c, x -> nowNanos);
                if (nowNanos - first >= columnWait.toNanos()) {
                    givenUp.computeIfAbsent(entry.getKey(), t -> new TreeSet<>()).add(c);
                    settled.get(entry.getKey()).add(c);
                    since.remove(c);
                    it.remove();
                }
            }
        }
        missing.values().removeIf(Set::isEmpty);
        return new Missing(unknown, missing, givenUp);
    }

    private static Set<String> names(TargetTable shape) {
        Set<String> out = new HashSet<>();
        for (Column c : shape.columns()) {
            out.add(c.name());
        }
        return out;
    }
}
