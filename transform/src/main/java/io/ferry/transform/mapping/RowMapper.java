package io.ferry.transform.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferry.core.event.Row;
import io.ferry.core.event.TableId;
import io.ferry.transform.expr.Casts;
import io.ferry.transform.expr.EvaluationException;
import io.ferry.transform.expr.Scope;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The row-level logic of a mapping as plain functions: a source row (and the rows related to it, through
 * a {@link RowLookup}) in, the target row or document out. The topology calls it before and after each
 * change; validation calls it to compute what a target should hold.
 */
public final class RowMapper {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ZoneId sourceZone;

    public RowMapper(ZoneId sourceZone) {
        this.sourceZone = sourceZone;
    }

    /**
     * The target row for a root row, or empty when the filter rejects it or a {@code hold} relation has no row yet.
     *
     * @throws MappingException when a value does not convert
     */
    public Optional<Row> map(TargetMapping mapping, Row row, RowLookup lookup) {
        Entity entity = mapping.entity();
        if (entity.allColumns() && entity.drop().isEmpty() && entity.filter().isEmpty() && entity.related().isEmpty()) {
            return Optional.of(row); // the row as it is (1:1 mappings): rows are immutable, nothing to build
        }
        try {
            return entity(mapping.entity(), row, lookup).map(RowMapper::toRow);
        } catch (EvaluationException e) {
            throw new MappingException("mapping '" + mapping.name() + "': " + e.getMessage(), e);
        }
    }

    /**
     * The target key a root row maps to, from its key columns alone: for a row whose other values do not map (it was
     * dead-lettered), so the target row an earlier version of it wrote can still be deleted when the row is deleted, leaves
     * the filter or gets another key. Empty when the filter surely leaves the row out, and when the key columns do not map
     * either.
     */
    public Optional<Row> mapKey(TargetMapping mapping, Row row, RowLookup lookup, List<String> sourceKey) {
        try {
            List<String> columns = keyColumns(mapping, sourceKey);
            Entity e = mapping.entity();
            Row.Builder key = Row.builder();
            EntityScope scope = new EntityScope(e, row, lookup, sourceZone);
            if (e.filter().isPresent()) {
                // a row the filter surely leaves out never wrote the key; a filter that cannot be evaluated on these values
                // (the reason the row was dead-lettered, maybe) says nothing of what an earlier version wrote
                JsonNode keep;
                try {
                    keep = e.filter().get().evaluate(scope);
                } catch (EvaluationException cannotTell) {
                    keep = null;
                }
                if (keep != null && keep.isBoolean() && !keep.booleanValue()) {
                    return Optional.empty();
                }
            }
            for (String c : columns) {
                JsonNode v;
                if (e.allColumns()) {
                    v = row.get(c);
                } else {
                    ColumnSpec.Value spec = e.columns().stream().filter(s -> s instanceof ColumnSpec.Value x && x.name().equals(c))
                            .map(s -> (ColumnSpec.Value) s).findFirst().orElse(null);
                    if (spec == null) {
                        return Optional.empty();
                    }
                    v = value(spec, scope);
                }
                if (v == null || v.isNull()) {
                    return Optional.empty();
                }
                key.put(c, v);
            }
            return Optional.of(key.build());
        } catch (MappingException | EvaluationException failed) {
            return Optional.empty();
        }
    }

    /**
     * The target key of a mapped row: the mapping's key and clustering columns, or the source's primary key
     * columns under their target names.
     *
     * @throws MappingException when a key column is missing or null
     */
    public static Row key(TargetMapping mapping, Row target, List<String> sourceKey) {
        List<String> columns = keyColumns(mapping, sourceKey);
        Row.Builder key = Row.builder();
        for (String c : columns) {
            JsonNode v = target.get(c);
            if (v == null || v.isNull()) {
                throw new MappingException("mapping '" + mapping.name() + "': key column '" + c + "' of target '" + mapping.to()
                        + "' is null");
            }
            key.put(c, v);
        }
        return key.build();
    }

    /** The target key columns: explicit key and clustering columns, or the source key through renames. */
    public static List<String> keyColumns(TargetMapping mapping, List<String> sourceKey) {
        if (!mapping.key().isEmpty()) {
            List<String> all = new ArrayList<>(mapping.key());
            mapping.clustering().forEach(c -> all.add(c.column()));
            return all;
        }
        Entity e = mapping.entity();
        if (e.allColumns()) {
            return sourceKey;
        }
        List<String> out = new ArrayList<>();
        for (String pk : sourceKey) {
            String target = e.columns().stream().filter(c -> c instanceof ColumnSpec.Value v && v.expr().asColumn().map(pk::equals)
                    .orElse(false)).map(ColumnSpec::name).findFirst().orElseThrow(() -> new MappingException("mapping '"
                    + mapping.name() + "': no 'key' given and source key column '" + pk + "' is not a target column; add 'key'"));
            out.add(target);
        }
        return out;
    }

    private Optional<ObjectNode> entity(Entity e, Row row, RowLookup lookup) {
        EntityScope scope = new EntityScope(e, row, lookup, sourceZone);
        for (Relation r : e.related().values()) {
            if (r.missing() == Relation.Missing.HOLD && scope.related(r.name()).isEmpty()) {
                return Optional.empty();
            }
        }
        if (e.filter().isPresent()) {
            JsonNode keep = e.filter().get().evaluate(scope);
            if (keep == null || !keep.isBoolean() || !keep.booleanValue()) {
                return Optional.empty();
            }
        }
        ObjectNode out = NODES.objectNode();
        if (e.allColumns()) {
            row.asMap().forEach((c, v) -> {
                if (!e.drop().contains(c)) {
                    out.set(c, v);
                }
            });
            return Optional.of(out);
        }
        columns(e.columns(), scope, row, lookup, out);
        return Optional.of(out);
    }

    private void columns(List<ColumnSpec> specs, EntityScope scope, Row row, RowLookup lookup, ObjectNode out) {
        for (ColumnSpec spec : specs) {
            if (spec instanceof ColumnSpec.Value v) {
                out.set(v.name(), value(v, scope));
            } else if (spec instanceof ColumnSpec.Group g) {
                ObjectNode group = NODES.objectNode();
                columns(g.columns(), scope, row, lookup, group);
                out.set(g.name(), group);
            } else {
                ColumnSpec.Nest n = (ColumnSpec.Nest) spec;
                List<Row> children = children(n, row, lookup);
                if (n.many()) {
                    ArrayNode array = NODES.arrayNode();
                    for (Row child : children) {
                        entity(n.child(), child, lookup).ifPresent(array::add);
                    }
                    out.set(n.name(), array);
                } else {
                    JsonNode one = NullNode.getInstance();
                    for (Row child : children) {
                        Optional<ObjectNode> doc = entity(n.child(), child, lookup);
                        if (doc.isPresent()) {
                            one = doc.get();
                            break;
                        }
                    }
                    out.set(n.name(), one);
                }
            }
        }
    }

    /** The child rows a nest embeds for this parent row. */
    static List<Row> children(ColumnSpec.Nest n, Row parent, RowLookup lookup) {
        List<JsonNode> values = values(parent, n.parentColumns());
        return values == null ? List.of() : lookup.find(n.table(), n.columns(), values);
    }

    /** The row's values of the columns, or null when one is null or absent (nothing relates to it). */
    public static List<JsonNode> values(Row row, List<String> columns) {
        List<JsonNode> out = new ArrayList<>(columns.size());
        for (String c : columns) {
            JsonNode v = row.get(c);
            if (v == null || v.isNull()) {
                return null;
            }
            out.add(v);
        }
        return out;
    }

    private JsonNode value(ColumnSpec.Value spec, EntityScope scope) {
        JsonNode v;
        try {
            v = spec.expr().evaluate(scope);
        } catch (EvaluationException e) {
            throw new EvaluationException("column '" + spec.name() + "': " + e.getMessage());
        }
        if (v == null) {
            v = NullNode.getInstance();
        }
        if (!spec.valueMap().isEmpty() && !v.isNull()) {
            String text = v.isTextual() ? v.textValue() : v.toString();
            String mapped = spec.valueMap().get(text);
            if (mapped != null) {
                v = NODES.textNode(mapped);
            }
        }
        if (v.isNull() && spec.defaultValue().isPresent()) {
            v = spec.defaultValue().get();
        }
        if (spec.cast().isPresent()) {
            try {
                v = Casts.cast(v, spec.cast().get(), sourceZone);
            } catch (EvaluationException e) {
                throw new EvaluationException("column '" + spec.name() + "': " + e.getMessage());
            }
        }
        return v;
    }

    /** A JSON object's fields as a row, in field order. */
    public static Row toRow(ObjectNode doc) {
        Map<String, JsonNode> values = new LinkedHashMap<>();
        doc.fields().forEachRemaining(f -> values.put(f.getKey(), f.getValue()));
        return Row.of(values);
    }

    /** The rows an entity's expressions see: its own row and its relations, each looked up once. */
    private static final class EntityScope implements Scope {
        private final Entity entity;
        private final Row row;
        private final RowLookup lookup;
        private final ZoneId zone;
        private final Map<String, List<Row>> cache = new HashMap<>();

        EntityScope(Entity entity, Row row, RowLookup lookup, ZoneId zone) {
            this.entity = entity;
            this.row = row;
            this.lookup = lookup;
            this.zone = zone;
        }

        @Override
        public Row row() {
            return row;
        }

        @Override
        public List<Row> related(String relation) {
            return cache.computeIfAbsent(relation, name -> {
                Relation r = entity.related().get(name);
                if (r == null) {
                    return List.of();
                }
                List<JsonNode> values = values(row, r.ownColumns());
                return values == null ? List.of() : lookup.find(r.table(), r.columns(), values);
            });
        }

        @Override
        public ZoneId sourceZone() {
            return zone;
        }
    }
}
