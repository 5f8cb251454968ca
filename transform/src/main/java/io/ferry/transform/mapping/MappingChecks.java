package io.ferry.transform.mapping;

import io.ferry.core.config.PipelineConfig;
import io.ferry.core.config.Problems;
import io.ferry.core.config.SinkSettings;
import io.ferry.core.event.TableId;
import io.ferry.transform.expr.ColumnRef;
import io.ferry.transform.expr.Expression;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks the mappings against the rest of the file, without the source's schemas: every table read is
 * captured, every sink named exists, every relation an expression uses is declared, key and clustering
 * columns are target columns. (Columns and casts are checked against the schemas by {@link TargetShapes}.)
 */
final class MappingChecks {

    private final Problems problems;

    MappingChecks(Problems problems) {
        this.problems = problems;
    }

    void check(Mappings mappings, PipelineConfig config) {
        List<Pattern> captured = config.source().tables().stream().map(Pattern::compile).toList();
        Set<String> sinkNames = new HashSet<>();
        config.sinks().forEach(s -> sinkNames.add(s.name()));
        Set<String> targets = new HashSet<>();
        for (TargetMapping m : mappings.targets()) {
            for (String sink : m.sinks()) {
                if (!sinkNames.contains(sink)) {
                    problems.add(m.origin().line(), m.origin().path() + ".sinks", "mapping '" + m.name() + "' names sink '" + sink
                            + "', which is not in 'sinks' (" + String.join(", ", config.sinks().stream().map(SinkSettings::name).toList()) + ")");
                }
            }
            List<String> sinksOf = m.sinksOf(List.copyOf(sinkNames));
            for (String sink : sinksOf) {
                if (!targets.add(sink + "/" + m.to())) {
                    problems.add(m.origin().line(), m.origin().path() + ".to", "two mappings write table '" + m.to() + "' of sink '" + sink
                            + "'; merge them (a pattern in 'from' merges shards) or give one another target");
                }
            }
            entity(m.entity(), captured, m.origin().path());
            if (!m.entity().allColumns()) {
                Set<String> columns = new HashSet<>();
                m.entity().columns().forEach(c -> columns.add(c.name()));
                List<String> keyColumns = new ArrayList<>(m.key());
                m.clustering().forEach(c -> keyColumns.add(c.column()));
                for (String k : keyColumns) {
                    if (!columns.contains(k)) {
                        problems.add(m.origin().line(), m.origin().path() + ".key", "key column '" + k + "' of mapping '" + m.name()
                                + "' is not one of its columns (" + String.join(", ", columns) + ")");
                    }
                }
            }
            if (!m.clustering().isEmpty() && m.key().isEmpty()) {
                problems.add(m.origin().line(), m.origin().path() + ".key", "mapping '" + m.name()
                        + "' has clustering columns, so it needs 'key' too: the partition key columns");
            }
        }
        tolerances(mappings, config, sinkNames);
    }

    /**
     * Each {@code validation.tolerances} key names a sink there is, a table a mapping writes to it, and a column of that
     * mapping where it lists its columns (one that keeps every source column is checked against the source's schema by
     * validation, which fails the table naming the key). A typo was dropped without a word: the column compared exactly.
     */
    private void tolerances(Mappings mappings, PipelineConfig config, Set<String> sinkNames) {
        var section = config.sections().stream().filter(v -> v.section().equals(io.ferry.core.config.PipelineOptions.VALIDATION)).findFirst();
        int line = section.map(v -> v.line(io.ferry.core.config.PipelineOptions.TOLERANCES)).orElse(0);
        String path = section.map(v -> v.path(io.ferry.core.config.PipelineOptions.TOLERANCES)).orElse("validation.tolerances");
        for (String key : config.validation().tolerances().keySet()) {
            io.ferry.core.config.ToleranceKey parsed = io.ferry.core.config.ToleranceKey.parse(key);
            String sink = parsed.sink().orElse(null);
            String table = parsed.table();
            String column = parsed.column();
            if (sink != null && !sinkNames.contains(sink)) {
                problems.add(line, path, "'" + key + "' names sink '" + sink + "', which is not in 'sinks' ("
                        + String.join(", ", config.sinks().stream().map(SinkSettings::name).toList()) + ")");
                continue;
            }
            List<TargetMapping> writers = mappings.targets().stream()
                    .filter(m -> m.to().equals(table) && (sink == null || m.writesTo(sink))).toList();
            if (writers.isEmpty()) {
                problems.add(line, path, "'" + key + "' names table '" + table + "', which no mapping writes"
                        + (sink == null ? "" : " to sink '" + sink + "'") + " (target tables: "
                        + String.join(", ", new java.util.TreeSet<>(mappings.targets().stream().map(TargetMapping::to).toList())) + ")");
                continue;
            }
            Set<String> listed = new java.util.TreeSet<>();
            boolean open = false;
            for (TargetMapping m : writers) {
                open |= m.entity().allColumns() && !m.entity().drop().contains(column);
                m.entity().columns().forEach(c -> listed.add(c.name()));
            }
            if (!open && !listed.contains(column)) {
                problems.add(line, path, "'" + key + "' names column '" + column + "', which " + (listed.isEmpty()
                        ? "the mapping of table '" + table + "' drops" : "is not a column of table '" + table + "' ("
                        + String.join(", ", listed) + ")"));
            }
        }
    }

    private void entity(Entity e, List<Pattern> captured, String path) {
        e.from().exact().ifPresent(t -> captured(t, captured, e.origin()));
        if (e.from().exact().isEmpty() && (!e.related().isEmpty() || e.hasNests())) {
            problems.add(e.origin().line(), e.origin().path() + ".from", "a mapping that reads a pattern of tables ('" + e.from()
                    + "') cannot have relations or nests: name one table");
        }
        for (Relation r : e.related().values()) {
            captured(r.table(), captured, r.origin());
        }
        for (ColumnSpec c : e.columns()) {
            column(c, e, captured);
        }
        e.filter().ifPresent(f -> relationsUsed(f, e, e.origin()));
    }

    private void column(ColumnSpec c, Entity owner, List<Pattern> captured) {
        if (c instanceof ColumnSpec.Value v) {
            relationsUsed(v.expr(), owner, v.origin());
        } else if (c instanceof ColumnSpec.Group g) {
            g.columns().forEach(inner -> column(inner, owner, captured));
        } else {
            ColumnSpec.Nest n = (ColumnSpec.Nest) c;
            entity(n.child(), captured, n.origin().path());
            if (n.many() && !n.child().allColumns()) {
                Set<String> columns = new HashSet<>();
                n.child().columns().forEach(cc -> columns.add(cc.name()));
                for (String k : n.key()) {
                    if (!columns.contains(k)) {
                        problems.add(n.origin().line(), n.origin().path() + ".key", "key column '" + k + "' of nest '" + n.name()
                                + "' is not one of its columns (" + String.join(", ", columns) + ")");
                    }
                }
            }
        }
    }

    private void relationsUsed(Expression expr, Entity owner, Origin at) {
        for (String rel : expr.relations()) {
            if (!owner.related().containsKey(rel)) {
                problems.add(at.line(), at.path(), "expression '" + expr.text() + "' uses relation '" + rel
                        + "', which is not declared under 'related'" + (owner.related().isEmpty() ? ""
                        : " (declared: " + String.join(", ", owner.related().keySet()) + ")"));
            }
        }
        for (ColumnRef ref : expr.references()) {
            if (ref.relation() == null && ref.column().startsWith("__")) {
                problems.add(at.line(), at.path(), "column names starting with '__' are reserved");
            }
        }
    }

    private void captured(TableId table, List<Pattern> captured, Origin at) {
        if (captured.stream().noneMatch(p -> p.matcher(table.toString()).matches())) {
            problems.add(at.line(), at.path() + ".from", "table '" + table + "' is not captured: add it to source.tables");
        }
    }
}
