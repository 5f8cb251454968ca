package io.ferry.validation.diff;

import io.ferry.core.event.Row;
import io.ferry.core.event.TableId;
import io.ferry.core.schema.TableSchema;
import io.ferry.core.spi.KeyRange;
import io.ferry.core.spi.SinkWriteException;
import io.ferry.transform.mapping.MappingException;
import io.ferry.transform.mapping.RowMapper;
import io.ferry.transform.mapping.TargetMapping;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * What a target table should hold: every root row of its mappings' source tables mapped with the transform stage's
 * own {@link RowMapper}, keyed by normalized target key. Rows a filter (or a {@code hold} relation) keeps out are
 * not expected; rows whose values do not convert went to the dead-letter topic in the pipeline and are not expected
 * either, only counted.
 */
final class ExpectedRows {

    /**
     * @param rows normalized target key → mapped row
     * @param unmappable source rows whose mapping failed (the pipeline dead-letters them)
     * @param collisions source rows whose target key another source row already had (the later one wins, as in the target)
     * @param firstProblem the first mapping failure, for the report
     */
    record Expected(Map<Row, Row> rows, long unmappable, long collisions, String firstProblem) {

        String notes() {
            return ExpectedRows.notes(unmappable, collisions, firstProblem);
        }
    }

    /** The table's detail about source rows that do not map or collide; empty when none. */
    static String notes(long unmappable, long collisions, String firstProblem) {
        List<String> out = new ArrayList<>();
        if (unmappable > 0) {
            out.add(unmappable + " source row(s) do not map, so the target lacks them (the pipeline dead-lettered them; fix the"
                    + " rows or the mapping, then ferry resnapshot the table), first: " + firstProblem);
        }
        if (collisions > 0) {
            out.add(collisions + " source row(s) map to a target key another row also maps to");
        }
        return String.join("; ", out);
    }

    private final Map<TableId, TableSchema> schemas;
    private final RowMapper mapper;

    /** A pattern's literal schema at its start: {@code name\.} or {@code name.}. */
    private static final java.util.regex.Pattern LITERAL_NAMESPACE = java.util.regex.Pattern.compile("([A-Za-z0-9_$]+)(?:\\\\\\.|\\.)");

    /**
     * Per pattern mapping looked at in this validation run, what {@link #uncaptured} found (empty: nothing), so every sink's
     * table of the mapping gets it; a look that failed is not kept, and is tried again.
     */
    private final Map<String, Optional<String>> uncaptured = new java.util.HashMap<>();

    ExpectedRows(Map<TableId, TableSchema> schemas, RowMapper mapper) {
        this.schemas = schemas;
        this.mapper = mapper;
    }

    /**
     * The root source tables of a mapping: its table, or every known table its pattern matches that the source still has
     * (sorted by name; a dropped shard's rows left in the target are then extra, as they are no longer in the source).
     */
    List<TableId> roots(TargetMapping mapping, SourceRows source) throws SinkWriteException {
        if (mapping.entity().from().exact().isPresent()) {
            return List.of(mapping.entity().from().exact().get());
        }
        Optional<String> missed = uncaptured.get(mapping.name());
        if (missed == null) {
            missed = uncaptured(mapping, source);
            uncaptured.put(mapping.name(), missed);
        }
        if (missed.isPresent()) {
            throw new IllegalStateException(missed.get());
        }
        List<TableId> out = new ArrayList<>();
        for (TableId t : schemas.keySet().stream().filter(t -> mapping.entity().from().matches(t))
                .sorted(java.util.Comparator.comparing(TableId::toString)).toList()) {
            if (source.exists(t)) {
                out.add(t);
            }
        }
        return out;
    }

    /**
     * A table the pattern matches in the source, with rows, that capture has not published (not in {@code source.tables},
     * or created since and not seen yet): its rows are in no target, and without this they were not expected either, so
     * the table compared MATCH and the gate opened without them. Looked for in the schemas of the known tables the pattern
     * matches, and in the pattern's own schema when it names one literally ({@code shop\.orders_\d+}).
     *
     * @return the tables and the fix, which fail each of the mapping's tables (ERROR); empty when there is none
     */
    private Optional<String> uncaptured(TargetMapping mapping, SourceRows source) throws SinkWriteException {
        java.util.Set<String> namespaces = new java.util.TreeSet<>();
        schemas.keySet().stream().filter(t -> mapping.entity().from().matches(t)).forEach(t -> namespaces.add(t.namespace()));
        java.util.regex.Matcher literal = LITERAL_NAMESPACE.matcher(mapping.entity().from().text());
        if (literal.lookingAt()) {
            namespaces.add(literal.group(1));
        }
        List<TableId> missed = new ArrayList<>();
        for (String ns : namespaces) {
            List<TableId> listed;
            try {
                listed = source.tables(ns);
            } catch (UnsupportedOperationException e) {
                return Optional.empty();
            }
            for (TableId t : listed) {
                if (!schemas.containsKey(t) && mapping.entity().from().matches(t) && source.hasRows(t)) {
                    missed.add(t);
                }
            }
        }
        if (missed.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(missed.stream().map(TableId::toString).sorted().collect(java.util.stream.Collectors.joining(", "))
                + " match(es) the pattern " + mapping.entity().from().text() + " of mapping '" + mapping.name() + "' and hold rows,"
                + " but capture has not published them: their rows are not in the target. Add them to source.tables (or narrow"
                + " the pattern); a table created a moment ago is taken in once capture sees it");
    }

    /**
     * Maps every root row of the check's mappings.
     *
     * @throws SinkWriteException when the source cannot be read
     */
    Expected compute(TableCheck check, SourceRows source, SourceLookup lookup) throws SinkWriteException {
        return compute(check, source, lookup, KeyRange.ALL);
    }

    /**
     * Maps the root rows of the check's mappings whose source primary key is in {@code range}.
     *
     * @throws SinkWriteException when the source cannot be read
     */
    Expected compute(TableCheck check, SourceRows source, SourceLookup lookup, KeyRange range) throws SinkWriteException {
        return compute(check, source, lookup, range, key -> true);
    }

    /**
     * Maps every root row of the check's mappings and keeps those whose normalized target key {@code keep} accepts; the
     * counts of unmappable rows are over all rows, collisions over the kept ones.
     *
     * @throws SinkWriteException when the source cannot be read
     */
    Expected compute(TableCheck check, SourceRows source, SourceLookup lookup, KeyRange range, Predicate<Row> keep)
            throws SinkWriteException {
        Map<Row, Row> rows = new HashMap<>();
        long[] collisions = {0};
        Unmapped unmapped = stream(check, source, lookup, range, (key, row) -> {
            if (keep.test(key) && rows.put(key, row) != null) {
                collisions[0]++;
            }
        });
        return new Expected(rows, unmapped.rows(), collisions[0], unmapped.first());
    }

    /** Source rows whose mapping failed while streaming: how many, and the first failure for the report (null when none). */
    record Unmapped(long rows, String first) {
    }

    /**
     * Streams the root rows of the check's mappings whose source primary key is in {@code range} through the mapping, in
     * the order the target receives them (mapping by mapping, each source table in primary-key order): each mapped row
     * goes to {@code rows} with its normalized target key ({@link TargetValues#key} at the table's tolerance). Nothing is
     * held; a key may come more than once (a collision: the later row wins in the target).
     *
     * @throws SinkWriteException when the source cannot be read
     */
    Unmapped stream(TableCheck check, SourceRows source, SourceLookup lookup, KeyRange range, BiConsumer<Row, Row> rows)
            throws SinkWriteException {
        long[] unmappable = {0};
        String[] first = {null};
        for (TargetMapping mapping : check.mappings()) {
            for (TableId root : roots(mapping, source)) {
                List<String> sourceKey = source.schema(root).primaryKey();
                source.read(root, range, row -> {
                    Optional<Row> target;
                    try {
                        target = mapper.map(mapping, row, lookup);
                        target.ifPresent(t -> RowMapper.key(mapping, t, sourceKey));
                    } catch (MappingException e) {
                        unmappable[0]++;
                        if (first[0] == null) {
                            first[0] = root + " " + keyText(sourceKey, row) + ": " + e.getMessage();
                        }
                        return;
                    }
                    target.ifPresent(t -> rows.accept(TargetValues.key(check.table(), t, check.tolerance()), t));
                });
            }
        }
        return new Unmapped(unmappable[0], first[0]);
    }

    /** A source row's primary key as text, for messages. */
    private static String keyText(List<String> key, Row row) {
        StringBuilder out = new StringBuilder("{");
        for (String k : key) {
            out.append(out.length() > 1 ? ", " : "").append(k).append('=').append(row.get(k));
        }
        return out.append('}').toString();
    }
}
