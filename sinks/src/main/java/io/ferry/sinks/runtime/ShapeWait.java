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
 * <p>A value can also be wider than its column's type in the shape known ({@link ValueFit}): the source column was widened
 * ({@code numeric(10,2)} to {@code numeric(12,4)}, {@code varchar(20)} to {@code varchar(50)}, {@code smallint} to
 * {@code integer}) and the row was read after that, but the sink has not read the widened shape yet. Written then,
 * PostgreSQL would round the decimal without an error (and the table would not be widened first), or the target would
 * refuse the value and it would be dead-lettered. Such a column is waited for the same way, at most {@link #COLUMN_WAIT}
 * under one set of shapes; then it is written as it is (the target rounds or refuses), with a warning.
 *
 * <p>The poll thread's only; not thread-safe.
 */
final class ShapeWait {

    /** How long a column a row carries and its table's shape lacks is waited for before it is left out. */
    static final Duration COLUMN_WAIT = Duration.ofSeconds(30);

    private final Duration columnWait;
    private final boolean checkValues;
    /** Per table: every column some shape of it has had, and the columns given up on (no longer waited for). */
    private final Map<String, Set<String>> settled = new HashMap<>();
    /** The shapes map the last check saw (the service replaces it whenever a schema changes). */
    private Map<String, TargetTable> lastShapes;
    /** Per table, the column names of its shape in {@link #lastShapes}: made once per shapes map, not per batch. */
    private Map<String, Set<String>> columnsNow = Map.of();
    /** Per table and column: when a batch first waited for it (System.nanoTime). */
    private final Map<String, Map<String, Long>> waitingSince = new HashMap<>();
    /** Per table of {@link #lastShapes}, its columns whose type bounds values ({@link ValueFit#bounded}). */
    private Map<String, List<Column>> boundedNow = Map.of();
    /** Per table and column: when a batch first waited for a shape that holds a value of it (System.nanoTime). */
    private final Map<String, Map<String, Long>> valueWaitingSince = new HashMap<>();
    /** Per table, the columns whose wider values were given up on under {@link #lastShapes}. */
    private final Map<String, Set<String>> valuesGivenUp = new HashMap<>();

    ShapeWait() {
        this(COLUMN_WAIT, true);
    }

    /** @param checkValues whether decimals and strings wider than their column's type are waited for (a target bounded by the shape) */
    ShapeWait(Duration columnWait, boolean checkValues) {
        this.columnWait = columnWait;
        this.checkValues = checkValues;
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
     * @param values per table with a shape, the columns some row has a value of that the column's type in the shape
     *     cannot hold, still waited for
     * @param valuesGivenUp per table, the columns whose wider values were waited for longer than the bound by now: written
     *     as they are from now on, until the shapes change
     */
    record Missing(Set<String> tables, Map<String, Set<String>> columns, Map<String, Set<String>> givenUp,
            Map<String, Set<String>> values, Map<String, Set<String>> valuesGivenUp) {

        boolean none() {
            return tables.isEmpty() && columns.isEmpty() && values.isEmpty();
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
            Map<String, List<Column>> bounded = new HashMap<>();
            shapes.forEach((table, shape) -> {
                // integers for every sink (MongoDB and Cassandra convert by the shape's type, and refuse a larger value);
                // a decimal's digits and a string's length only where the target's columns keep them
                List<Column> columns = shape.columns().stream().filter(c -> ValueFit.bounded(c.type()) && (checkValues
                        || ValueFit.integer(c.type()))).toList();
                if (!columns.isEmpty()) {
                    bounded.put(table, columns);
                }
            });
            boundedNow = bounded;
            // new shapes may hold what the old ones did not: wider values are waited for again
            valuesGivenUp.clear();
            lastShapes = shapes;
        }
        Set<String> unknown = new TreeSet<>();
        Map<String, Set<String>> missing = new TreeMap<>();
        Map<String, Set<String>> wider = new TreeMap<>();
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
            List<Column> bounded = boundedNow.get(table);
            if (bounded != null) {
                for (Column c : bounded) {
                    if (!ValueFit.fits(c.type(), u.row().get(c.name()))
                            && !valuesGivenUp.getOrDefault(table, Set.of()).contains(c.name())) {
                        wider.computeIfAbsent(table, t -> new TreeSet<>()).add(c.name());
                    }
                }
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
        Map<String, Set<String>> givenUp = giveUp(missing, waitingSince, nowNanos);
        givenUp.forEach((table, columns) -> settled.get(table).addAll(columns));
        Map<String, Set<String>> widerGivenUp = giveUp(wider, valueWaitingSince, nowNanos);
        widerGivenUp.forEach((table, columns) -> valuesGivenUp.computeIfAbsent(table, t -> new HashSet<>()).addAll(columns));
        return new Missing(unknown, missing, givenUp, wider, widerGivenUp);
    }

    /**
     * Takes out of {@code waited} (per table, the columns a batch waits for) those first waited for at least the bound ago,
     * and returns them; forgets when the columns no longer waited for were first waited for.
     */
    private Map<String, Set<String>> giveUp(Map<String, Set<String>> waited, Map<String, Map<String, Long>> waitingSince,
            long nowNanos) {
        Map<String, Set<String>> givenUp = new TreeMap<>();
        waitingSince.keySet().retainAll(waited.keySet());
        for (var entry : waited.entrySet()) {
            Map<String, Long> since = waitingSince.computeIfAbsent(entry.getKey(), t -> new HashMap<>());
            since.keySet().retainAll(entry.getValue());
            for (var it = entry.getValue().iterator(); it.hasNext();) {
                String c = it.next();
                long first = since.computeIfAbsent(c, x -> nowNanos);
                if (nowNanos - first >= columnWait.toNanos()) {
                    givenUp.computeIfAbsent(entry.getKey(), t -> new TreeSet<>()).add(c);
                    since.remove(c);
                    it.remove();
                }
            }
        }
        waited.values().removeIf(Set::isEmpty);
        return givenUp;
    }

    private static Set<String> names(TargetTable shape) {
        Set<String> out = new HashSet<>();
        for (Column c : shape.columns()) {
            out.add(c.name());
        }
        return out;
    }
}
