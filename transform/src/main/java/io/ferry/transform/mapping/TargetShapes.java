package io.ferry.transform.mapping;

import io.ferry.core.config.Problems;
import io.ferry.core.event.TableId;
import io.ferry.core.schema.Column;
import io.ferry.core.schema.TableSchema;
import io.ferry.core.spi.TargetTable;
import io.ferry.core.types.CanonicalType;
import io.ferry.core.types.ColumnType;
import io.ferry.transform.expr.Casts;
import io.ferry.transform.expr.ExpressionTypeException;
import io.ferry.transform.expr.TypeScope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The target tables the mappings define, computed from the source tables' schemas: column types through
 * expressions and casts, keys through renames. It also checks what only the schemas can tell: unknown
 * columns, impossible casts, key columns that can be null. Sub-documents ({@code group}, {@code nest_one}) and
 * nested arrays ({@code nest}) are document columns ({@link ColumnType#document}, {@link ColumnType#documentArray})
 * whose fields are typed the same way, to any depth, so a document target can store every nested value as
 * its type says; other targets store them as JSON.
 */
public final class TargetShapes {

    private final Problems problems;

    public TargetShapes(Problems problems) {
        this.problems = problems;
    }

    /**
     * Target tables by sink name and table name. Mappings whose source schemas are not known yet are left out.
     *
     * @param sinks every sink of the pipeline (a mapping without {@code sinks} goes to all of them)
     */
    public Map<String, Map<String, TargetTable>> compute(Mappings mappings, List<String> sinks, Map<TableId, TableSchema> schemas) {
        Map<String, Map<String, TargetTable>> out = new LinkedHashMap<>();
        sinks.forEach(s -> out.put(s, new LinkedHashMap<>()));
        for (TargetMapping m : mappings.targets()) {
            Optional<TableSchema> source = schemaOf(m.entity().from(), schemas);
            if (source.isEmpty()) {
                continue;
            }
            List<Column> columns = entityColumns(m.entity(), source.get(), schemas);
            if (columns == null) {
                continue;
            }
            List<String> key;
            try {
                key = RowMapper.keyColumns(m, source.get().primaryKey());
            } catch (MappingException e) {
                problems.add(m.origin().line(), m.origin().path() + ".key", e.getMessage());
                continue;
            }
            List<String> partitionKey = m.key().isEmpty() ? key : m.key();
            List<String> clustering = m.clustering().stream().map(TargetMapping.Clustering::column).toList();
            List<Boolean> descending = m.clustering().stream().map(TargetMapping.Clustering::descending).toList();
            List<Column> keyed = new ArrayList<>();
            for (Column c : columns) {
                keyed.add(key.contains(c.name()) ? new Column(c.name(), c.type(), false) : c);
            }
            TargetTable table;
            try {
                table = new TargetTable(m.to(), keyed, partitionKey, clustering, descending);
            } catch (IllegalArgumentException e) {
                problems.add(m.origin().line(), m.origin().path(), e.getMessage());
                continue;
            }
            for (String sink : m.sinksOf(sinks)) {
                out.computeIfAbsent(sink, s -> new LinkedHashMap<>()).put(m.to(), table);
            }
        }
        return out;
    }

    private static Optional<TableSchema> schemaOf(SourceTable from, Map<TableId, TableSchema> schemas) {
        if (from.exact().isPresent()) {
            return Optional.ofNullable(schemas.get(from.exact().get()));
        }
        return schemas.values().stream().filter(s -> from.matches(s.table())).findFirst();
    }

    /** The entity's columns, or null when something it reads is unknown (recorded as a problem). */
    private List<Column> entityColumns(Entity e, TableSchema source, Map<TableId, TableSchema> schemas) {
        for (Relation r : e.related().values()) {
            TableSchema rel = schemas.get(r.table());
            if (rel == null) {
                problems.add(r.origin().line(), r.origin().path(), "relation '" + r.name() + "': no schema for table '" + r.table()
                        + "' (is it captured?)");
                return null;
            }
            checkColumns(r.columns(), rel, r.origin(), "relation '" + r.name() + "'");
            checkColumns(r.ownColumns(), source, r.origin(), "relation '" + r.name() + "'");
        }
        List<Column> out = new ArrayList<>();
        if (e.allColumns()) {
            for (Column c : source.columns()) {
                if (!e.drop().contains(c.name())) {
                    out.add(c);
                }
            }
            for (String d : e.drop()) {
                if (source.column(d).isEmpty()) {
                    problems.add(e.origin().line(), e.origin().path() + ".drop", "drop: table '" + source.table() + "' has no column '" + d
                            + "'");
                }
            }
            return out;
        }
        TypeScope scope = scope(e, source, schemas);
        e.filter().ifPresent(f -> {
            try {
                f.type(scope);
            } catch (ExpressionTypeException ex) {
                problems.add(e.origin().line(), e.origin().path() + ".filter", "filter '" + f.text() + "': " + ex.getMessage());
            }
        });
        columns(e.columns(), e, source, schemas, scope, out);
        return out;
    }

    private void columns(List<ColumnSpec> specs, Entity e, TableSchema source, Map<TableId, TableSchema> schemas, TypeScope scope,
            List<Column> out) {
        for (ColumnSpec spec : specs) {
            if (spec instanceof ColumnSpec.Value v) {
                ColumnType type;
                try {
                    type = v.expr().type(scope);
                } catch (ExpressionTypeException ex) {
                    problems.add(v.origin().line(), v.origin().path(), "column '" + v.name() + "': " + ex.getMessage());
                    continue;
                }
                if (v.cast().isPresent()) {
                    if (!Casts.possible(type, v.cast().get())) {
                        problems.add(v.origin().line(), v.origin().path(), "column '" + v.name() + "': cannot cast " + type.kind()
                                + " to " + v.cast().get() + "; cast to one of the types that value converts to, or derive it with an expression");
                    }
                    type = ColumnType.of(v.cast().get());
                } else if (!v.valueMap().isEmpty() && type.kind() == CanonicalType.ENUM) {
                    type = ColumnType.of(CanonicalType.STRING);
                } else if ((!v.valueMap().isEmpty() || v.defaultValue().isPresent()) && type.kind() == CanonicalType.STRING
                        && type.length() != null) {
                    // a mapped value or default may be longer than the source's varchar(n) (status 'A' mapped to 'Active'):
                    // a column made that narrow refused it
                    int longest = type.length();
                    for (String mapped : v.valueMap().values()) {
                        longest = Math.max(longest, mapped.codePointCount(0, mapped.length()));
                    }
                    if (v.defaultValue().isPresent()) {
                        String d = v.defaultValue().get().asText();
                        longest = Math.max(longest, d.codePointCount(0, d.length()));
                    }
                    type = type.withLength(longest);
                }
                boolean nullable = !(v.expr().asColumn().isPresent() && v.defaultValue().isEmpty()
                        && source.column(v.expr().asColumn().get()).map(c -> !c.nullable()).orElse(false)) && v.defaultValue().isEmpty();
                out.add(new Column(v.name(), type, nullable));
            } else if (spec instanceof ColumnSpec.Group g) {
                List<Column> fields = new ArrayList<>();
                columns(g.columns(), e, source, schemas, scope, fields);
                out.add(new Column(g.name(), ColumnType.document(types(fields)), false));
            } else {
                ColumnSpec.Nest n = (ColumnSpec.Nest) spec;
                TableSchema child = schemas.get(n.table());
                if (child == null) {
                    problems.add(n.origin().line(), n.origin().path(), "nest '" + n.name() + "': no schema for table '" + n.table()
                            + "' (is it captured?)");
                    continue;
                }
                checkColumns(n.columns(), child, n.origin(), "nest '" + n.name() + "'");
                checkColumns(n.parentColumns(), source, n.origin(), "nest '" + n.name() + "'");
                if (n.child().allColumns()) {
                    checkColumns(n.key(), child, n.origin(), "nest '" + n.name() + "' key");
                }
                // a child that reads an unknown relation has no known field types: its values keep their JSON shapes
                Map<String, ColumnType> fields = types(entityColumns(n.child(), child, schemas));
                out.add(new Column(n.name(), n.many() ? ColumnType.documentArray(fields) : ColumnType.document(fields), !n.many()));
            }
        }
    }

    /** Column name to type, in column order; none for null. */
    private static Map<String, ColumnType> types(List<Column> columns) {
        Map<String, ColumnType> out = new LinkedHashMap<>();
        if (columns != null) {
            columns.forEach(c -> out.put(c.name(), c.type()));
        }
        return out;
    }

    private void checkColumns(List<String> names, TableSchema table, Origin at, String what) {
        for (String c : names) {
            if (table.column(c).isEmpty()) {
                problems.add(at.line(), at.path(), what + ": table '" + table.table() + "' has no column '" + c + "'");
            }
        }
    }

    private static TypeScope scope(Entity e, TableSchema source, Map<TableId, TableSchema> schemas) {
        return new TypeScope() {
            @Override
            public ColumnType column(String relation, String column) {
                TableSchema t = relation == null ? source : schemaOrNull(e.related().get(relation), schemas);
                return t == null ? null : t.column(column).map(Column::type).orElse(null);
            }

            @Override
            public boolean hasRelation(String relation) {
                return e.related().containsKey(relation);
            }
        };
    }

    private static TableSchema schemaOrNull(Relation r, Map<TableId, TableSchema> schemas) {
        return r == null ? null : schemas.get(r.table());
    }
}
