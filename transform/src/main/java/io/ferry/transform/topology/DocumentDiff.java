package io.ferry.transform.topology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferry.core.event.Row;
import io.ferry.core.event.SourceInfo;
import io.ferry.core.event.TargetEvent;
import io.ferry.core.event.TargetEvent.Patch;
import io.ferry.core.event.TargetEvent.PathStep;
import io.ferry.transform.mapping.ColumnSpec;
import io.ferry.transform.mapping.RowMapper;
import io.ferry.transform.mapping.TargetMapping;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns the change of a nested document into patches: an array element added, changed or removed (found
 * by its key), a sub-document replaced. A change of the document's own values, more than
 * {@value #MAX_PATCHES} patches, or a change deeper than {@value #MAX_ARRAY_DEPTH} array levels is written
 * as a whole (the element or the document).
 */
final class DocumentDiff {

    static final int MAX_PATCHES = 50;
    static final int MAX_ARRAY_DEPTH = 2;

    private DocumentDiff() {
    }

    /** The patches from {@code before} to {@code after}, or empty when the whole document should be upserted. */
    static Optional<List<TargetEvent>> patches(TargetMapping mapping, Row key, Row before, Row after, SourceInfo source) {
        List<TargetEvent> out = new ArrayList<>();
        ObjectNode b = object(before);
        ObjectNode a = object(after);
        if (!diff(mapping.entity().columns(), b, a, List.of(), 0, mapping.to(), key, source, out) || out.size() > MAX_PATCHES) {
            return Optional.empty();
        }
        return Optional.of(out);
    }

    /** Adds the patches that turn {@code b} into {@code a}; false when a plain value differs (rewrite this level). */
    private static boolean diff(List<ColumnSpec> specs, ObjectNode b, ObjectNode a, List<PathStep> path, int depth, String table,
            Row key, SourceInfo source, List<TargetEvent> out) {
        Set<String> fields = new LinkedHashSet<>();
        b.fieldNames().forEachRemaining(fields::add);
        a.fieldNames().forEachRemaining(fields::add);
        Map<String, ColumnSpec> byName = new LinkedHashMap<>();
        specs.forEach(s -> byName.put(s.name(), s));
        for (String f : fields) {
            JsonNode x = b.get(f);
            JsonNode y = a.get(f);
            if (x != null && x.equals(y)) {
                continue;
            }
            ColumnSpec spec = byName.get(f);
            List<PathStep> here = append(path, PathStep.field(f));
            if (spec instanceof ColumnSpec.Nest n && n.many() && x != null && x.isArray() && y != null && y.isArray()) {
                if (depth + 1 > MAX_ARRAY_DEPTH) {
                    return false;
                }
                array(n, x, y, path, depth + 1, table, key, source, out);
            } else if (spec instanceof ColumnSpec.Group || spec instanceof ColumnSpec.Nest) {
                if (y == null || !y.isObject()) {
                    if (y != null && !y.isNull()) {
                        return false;
                    }
                    out.add(new Patch(table, key, here, Patch.Action.REMOVE, null, source));
                } else {
                    out.add(new Patch(table, key, here, Patch.Action.SET, RowMapper.toRow((ObjectNode) y), source));
                }
            } else {
                return false;
            }
        }
        return true;
    }

    private static void array(ColumnSpec.Nest n, JsonNode before, JsonNode after, List<PathStep> path, int depth, String table,
            Row key, SourceInfo source, List<TargetEvent> out) {
        Map<Row, ObjectNode> b = byKey(n, before);
        Map<Row, ObjectNode> a = byKey(n, after);
        for (Row k : b.keySet()) {
            if (!a.containsKey(k)) {
                out.add(new Patch(table, key, append(path, PathStep.element(n.name(), k)), Patch.Action.REMOVE, null, source));
            }
        }
        for (var e : a.entrySet()) {
            ObjectNode old = b.get(e.getKey());
            if (e.getValue().equals(old)) {
                continue;
            }
            List<PathStep> at = append(path, PathStep.element(n.name(), e.getKey()));
            List<TargetEvent> inner = new ArrayList<>();
            if (old != null && diff(n.child().columns(), old, e.getValue(), at, depth, table, key, source, inner)) {
                out.addAll(inner);
            } else {
                out.add(new Patch(table, key, at, Patch.Action.SET, RowMapper.toRow(e.getValue()), source));
            }
        }
    }

    private static Map<Row, ObjectNode> byKey(ColumnSpec.Nest n, JsonNode array) {
        Map<Row, ObjectNode> out = new LinkedHashMap<>();
        for (JsonNode element : array) {
            Row.Builder k = Row.builder();
            for (String c : n.key()) {
                k.put(c, element.get(c));
            }
            out.put(k.build(), (ObjectNode) element);
        }
        return out;
    }

    private static List<PathStep> append(List<PathStep> path, PathStep step) {
        List<PathStep> out = new ArrayList<>(path);
        out.add(step);
        return out;
    }

    private static ObjectNode object(Row row) {
        ObjectNode n = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        row.asMap().forEach(n::set);
        return n;
    }
}
