package io.ferry.transform.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.ferry.core.config.ConfigNode;
import io.ferry.core.config.DidYouMean;
import io.ferry.core.config.Problems;
import io.ferry.core.event.TableId;
import io.ferry.core.types.CanonicalType;
import io.ferry.transform.expr.Casts;
import io.ferry.transform.expr.Expression;
import io.ferry.transform.expr.ExpressionSyntaxException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the {@code mappings} section into {@link Mappings}, recording every problem with its key path and
 * line: unknown keys (with a did-you-mean), missing keys, expression syntax errors, unknown cast types, a
 * nest or relation without {@code on}, an array nest without a key.
 */
final class MappingBinder {

    static final Set<String> ROOT_KEYS = Set.of("name", "to", "from", "sinks", "key", "clustering", "filter", "drop", "related",
            "columns");
    static final Set<String> NEST_KEYS = Set.of("from", "on", "key", "filter", "drop", "related", "columns");
    static final Set<String> RELATION_KEYS = Set.of("from", "on", "missing");
    static final Set<String> VALUE_KEYS = Set.of("expr", "cast", "default", "map");
    static final Set<String> COLUMN_KINDS = Set.of("expr", "group", "nest", "nest_one");

    private final Problems problems;

    MappingBinder(Problems problems) {
        this.problems = problems;
    }

    Mappings bind(ConfigNode node) {
        if (!(node instanceof ConfigNode.Sequence list)) {
            problems.add(node, "expected a list of mappings (each '- to: <target table>, from: <source table>, ...'), got "
                    + node.kindName());
            return null;
        }
        List<TargetMapping> out = new ArrayList<>();
        Map<String, Integer> names = new LinkedHashMap<>();
        for (ConfigNode item : list.items()) {
            TargetMapping m = target(item);
            if (m != null) {
                Integer first = names.putIfAbsent(m.name(), m.origin().line());
                if (first != null) {
                    problems.add(m.origin().line(), m.origin().path(), "mapping name '" + m.name() + "' is already used on line "
                            + first + "; give one of them a distinct 'name'");
                } else {
                    out.add(m);
                }
            }
        }
        return new Mappings(out);
    }

    private TargetMapping target(ConfigNode item) {
        if (!(item instanceof ConfigNode.Mapping map)) {
            problems.add(item, "expected a mapping (to, from, columns, ...), got " + item.kindName());
            return null;
        }
        checkKeys(map, ROOT_KEYS);
        Origin origin = new Origin(map.path(), map.line());
        Optional<String> to = requiredText(map, "to", "the target table");
        Entity entity = entity(map, true);
        List<String> sinks = stringList(map, "sinks");
        List<String> key = stringList(map, "key");
        List<TargetMapping.Clustering> clustering = new ArrayList<>();
        for (String c : stringList(map, "clustering")) {
            String[] parts = c.trim().split("\\s+");
            boolean ok = parts.length == 1 || parts.length == 2 && (parts[1].equalsIgnoreCase("asc") || parts[1].equalsIgnoreCase("desc"));
            if (!ok) {
                problems.add(map.entries().get("clustering"), "clustering column '" + c + "' must be 'column', 'column asc' or 'column desc'");
                continue;
            }
            clustering.add(new TargetMapping.Clustering(parts[0], parts.length == 2 && parts[1].equalsIgnoreCase("desc")));
        }
        String name = optionalText(map, "name").orElse(to.orElse(""));
        if (to.isEmpty() || entity == null) {
            return null;
        }
        return new TargetMapping(name, to.get(), sinks, key, clustering, entity, origin);
    }

    /** The keys a root mapping and a nested child share: from, related, columns, drop, filter. */
    private Entity entity(ConfigNode.Mapping map, boolean root) {
        Optional<String> fromText = requiredText(map, "from", root ? "the source table (namespace.table, or a regular expression)"
                : "the child table (namespace.table)");
        SourceTable from = null;
        if (fromText.isPresent()) {
            try {
                from = SourceTable.parse(fromText.get());
                if (!root && from.exact().isEmpty()) {
                    problems.add(map.entries().get("from"), "a nested or related table must be one table (namespace.table), not a pattern");
                }
            } catch (IllegalArgumentException e) {
                problems.add(map.entries().get("from"), "'" + fromText.get() + "' is neither namespace.table nor a valid regular expression: "
                        + e.getMessage().lines().findFirst().orElse(""));
            }
        }
        Map<String, Relation> related = relations(map);
        List<ColumnSpec> columns = columns(map.entries().get("columns"));
        Set<String> drop = new LinkedHashSet<>(stringList(map, "drop"));
        if (!drop.isEmpty() && map.entries().containsKey("columns")) {
            problems.add(map.entries().get("drop"), "'drop' applies only when 'columns' is left out (every source column is kept); "
                    + "with 'columns', list just the columns you want");
        }
        Optional<Expression> filter = optionalNode(map, "filter").flatMap(this::expression);
        if (from == null) {
            return null;
        }
        return new Entity(from, related, columns, drop, filter, new Origin(map.path(), map.line()));
    }

    private Map<String, Relation> relations(ConfigNode.Mapping owner) {
        ConfigNode node = owner.entries().get("related");
        Map<String, Relation> out = new LinkedHashMap<>();
        if (node == null) {
            return out;
        }
        if (!(node instanceof ConfigNode.Mapping map)) {
            problems.add(node, "expected relations by name (e.g. 'user: {from: public.users, on: {user_id: user_id}}'), got "
                    + node.kindName());
            return out;
        }
        map.entries().forEach((name, value) -> {
            if (!(value instanceof ConfigNode.Mapping rel)) {
                problems.add(value, "expected a relation (from, on, missing), got " + value.kindName());
                return;
            }
            checkKeys(rel, RELATION_KEYS);
            Optional<TableId> table = exactTable(rel);
            Optional<Join> on = join(rel);
            Relation.Missing missing = Relation.Missing.NULL;
            Optional<String> m = optionalText(rel, "missing");
            if (m.isPresent()) {
                if (m.get().equals("hold")) {
                    missing = Relation.Missing.HOLD;
                } else if (!m.get().equals("null")) {
                    problems.add(rel.entries().get("missing"), "missing must be 'null' (columns from the relation are null) or 'hold' "
                            + "(the row waits until a related row exists), got '" + m.get() + "'");
                }
            }
            if (table.isPresent() && on.isPresent()) {
                out.put(name, new Relation(name, table.get(), on.get().columns(), on.get().ownColumns(), missing,
                        new Origin(rel.path(), rel.line())));
            }
        });
        return out;
    }

    private List<ColumnSpec> columns(ConfigNode node) {
        List<ColumnSpec> out = new ArrayList<>();
        if (node == null) {
            return out;
        }
        if (!(node instanceof ConfigNode.Mapping map)) {
            problems.add(node, "expected target columns by name (e.g. 'id: user_id'), got " + node.kindName());
            return out;
        }
        if (map.entries().isEmpty()) {
            problems.add(node, "needs at least one column; leave 'columns' out to keep every source column");
        }
        map.entries().forEach((name, value) -> {
            ColumnSpec c = column(name, value);
            if (c != null) {
                out.add(c);
            }
        });
        return out;
    }

    private ColumnSpec column(String name, ConfigNode node) {
        Origin origin = new Origin(node.path(), node.line());
        if (node instanceof ConfigNode.Scalar s) {
            return expression(s).map(e -> (ColumnSpec) new ColumnSpec.Value(name, e, Map.of(), Optional.empty(), Optional.empty(), origin))
                    .orElse(null);
        }
        if (!(node instanceof ConfigNode.Mapping map)) {
            problems.add(node, "expected an expression, or one of " + String.join(", ", new TreeSet<>(COLUMN_KINDS)) + ", got "
                    + node.kindName());
            return null;
        }
        Set<String> kinds = new TreeSet<>(map.entries().keySet());
        kinds.retainAll(COLUMN_KINDS);
        if (kinds.size() != 1) {
            problems.add(node, kinds.isEmpty() ? "a column needs 'expr' (a value), 'group' (a sub-document), 'nest' (an array of "
                    + "child rows) or 'nest_one' (one child row as a sub-document)" : "a column is one of " + kinds + ", not several");
            return null;
        }
        String kind = kinds.iterator().next();
        if (!kind.equals("expr")) {
            checkKeys(map, Set.of(kind));
        }
        switch (kind) {
            case "group": {
                return new ColumnSpec.Group(name, columns(map.entries().get("group")), origin);
            }
            case "nest":
            case "nest_one": {
                return nest(name, kind.equals("nest"), map.entries().get(kind), origin);
            }
            default:
                return value(name, map, origin);
        }
    }

    private ColumnSpec value(String name, ConfigNode.Mapping map, Origin origin) {
        checkKeys(map, VALUE_KEYS);
        Optional<Expression> expr = optionalNode(map, "expr").flatMap(this::expression);
        Optional<CanonicalType> cast = Optional.empty();
        Optional<String> castText = optionalText(map, "cast");
        if (castText.isPresent()) {
            cast = Casts.typeNamed(castText.get());
            if (cast.isEmpty()) {
                String hint = DidYouMean.suggest(castText.get(), Casts.typeNames()).map(k -> "did you mean '" + k + "'? ").orElse("");
                problems.add(map.entries().get("cast"), "unknown type '" + castText.get() + "'; " + hint + "types: "
                        + String.join(", ", Casts.typeNames()));
            }
        }
        Map<String, String> valueMap = new LinkedHashMap<>();
        ConfigNode mapNode = map.entries().get("map");
        if (mapNode instanceof ConfigNode.Mapping vm) {
            vm.entries().forEach((from, to) -> {
                if (to instanceof ConfigNode.Scalar s) {
                    valueMap.put(from, s.value());
                } else {
                    problems.add(to, "a value map sends one value to another (new: pending), got " + to.kindName());
                }
            });
        } else if (mapNode != null) {
            problems.add(mapNode, "expected a value map (old value: new value), got " + mapNode.kindName());
        }
        Optional<JsonNode> defaultValue = optionalNode(map, "default").flatMap(d -> {
            if (d instanceof ConfigNode.Scalar s) {
                return Optional.of(literal(s.value()));
            }
            problems.add(d, "a default is one value, got " + d.kindName());
            return Optional.empty();
        });
        if (expr.isEmpty() && !map.entries().containsKey("expr")) {
            problems.add(map.line(), map.path(), "missing required key 'expr': the value's expression (a column name is one)");
        }
        Optional<CanonicalType> castType = cast;
        return expr.map(e -> new ColumnSpec.Value(name, e, valueMap, defaultValue, castType, origin)).orElse(null);
    }

    /** A YAML scalar as a JSON literal: true/false, whole or decimal numbers, otherwise text. */
    static JsonNode literal(String text) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (text.equals("true") || text.equals("false")) {
            return f.booleanNode(Boolean.parseBoolean(text));
        }
        if (text.matches("-?\\d{1,18}")) {
            return f.numberNode(Long.parseLong(text));
        }
        if (text.matches("-?\\d+\\.\\d+")) {
            return f.textNode(new BigDecimal(text).toPlainString());
        }
        return f.textNode(text);
    }

    private ColumnSpec nest(String name, boolean many, ConfigNode node, Origin origin) {
        if (!(node instanceof ConfigNode.Mapping map)) {
            problems.add(node == null ? origin.line() : node.line(), node == null ? origin.path() : node.path(),
                    "expected the nested table (from, on, " + (many ? "key, " : "") + "columns)");
            return null;
        }
        checkKeys(map, NEST_KEYS);
        Optional<Join> on = join(map);
        List<String> key = stringList(map, "key");
        if (many && key.isEmpty()) {
            problems.add(map.line(), map.path(), "a nest needs 'key': the child columns that identify an element of the '" + name
                    + "' array (e.g. key: [address_id]); patches find elements by it");
        }
        if (!many && map.entries().containsKey("key")) {
            problems.add(map.entries().get("key"), "nest_one embeds a single child row: it has no key");
        }
        Entity child = entity(map, false);
        if (on.isEmpty() || child == null || child.from().exact().isEmpty()) {
            return null;
        }
        return new ColumnSpec.Nest(name, many, child.from().exact().get(), on.get().columns(), on.get().ownColumns(), key, child,
                origin);
    }

    private record Join(List<String> columns, List<String> ownColumns) {
    }

    private Optional<Join> join(ConfigNode.Mapping map) {
        ConfigNode node = map.entries().get("on");
        if (!(node instanceof ConfigNode.Mapping on) || on.entries().isEmpty()) {
            problems.add(node == null ? map.line() : node.line(), node == null ? map.path() : node.path(),
                    "needs 'on': the related table's columns and the columns of this row they equal "
                            + "(e.g. on: {customer_id: customer_id})");
            return Optional.empty();
        }
        List<String> columns = new ArrayList<>();
        List<String> own = new ArrayList<>();
        boolean ok = true;
        for (var e : on.entries().entrySet()) {
            if (e.getValue() instanceof ConfigNode.Scalar s && s.value().matches("[A-Za-z_][A-Za-z0-9_]*")) {
                columns.add(e.getKey());
                own.add(s.value());
            } else {
                problems.add(e.getValue(), "'on' pairs a column of the related table with a column of this row, got "
                        + e.getValue().kindName());
                ok = false;
            }
        }
        return ok ? Optional.of(new Join(columns, own)) : Optional.empty();
    }

    private Optional<TableId> exactTable(ConfigNode.Mapping map) {
        return requiredText(map, "from", "the related table (namespace.table)").flatMap(t -> {
            try {
                return Optional.of(TableId.parse(t));
            } catch (IllegalArgumentException e) {
                problems.add(map.entries().get("from"), e.getMessage());
                return Optional.empty();
            }
        });
    }

    private Optional<Expression> expression(ConfigNode node) {
        if (!(node instanceof ConfigNode.Scalar s)) {
            problems.add(node, "expected an expression, got " + node.kindName());
            return Optional.empty();
        }
        try {
            return Optional.of(Expression.parse(s.value()));
        } catch (ExpressionSyntaxException e) {
            problems.add(node, "expression '" + s.value() + "': " + e.getMessage());
            return Optional.empty();
        }
    }

    private void checkKeys(ConfigNode.Mapping map, Set<String> known) {
        for (String key : map.entries().keySet()) {
            if (!known.contains(key)) {
                String hint = DidYouMean.suggest(key, known).map(k -> "did you mean '" + k + "'? ").orElse("");
                problems.add(map.keyLines().getOrDefault(key, map.line()), map.childPath(key), "unknown key '" + key + "'; " + hint
                        + "known keys: " + String.join(", ", new TreeSet<>(known)));
            }
        }
    }

    private Optional<ConfigNode> optionalNode(ConfigNode.Mapping map, String key) {
        ConfigNode node = map.entries().get(key);
        if (node instanceof ConfigNode.Null) {
            problems.add(node, "has no value; give one or leave the key out");
            return Optional.empty();
        }
        return Optional.ofNullable(node);
    }

    private Optional<String> optionalText(ConfigNode.Mapping map, String key) {
        return optionalNode(map, key).flatMap(n -> {
            if (n instanceof ConfigNode.Scalar s) {
                return Optional.of(s.value());
            }
            problems.add(n, "expected a value, got " + n.kindName());
            return Optional.empty();
        });
    }

    private Optional<String> requiredText(ConfigNode.Mapping map, String key, String what) {
        if (!map.entries().containsKey(key)) {
            problems.add(map.line(), map.path(), "missing required key '" + key + "': " + what);
            return Optional.empty();
        }
        return optionalText(map, key);
    }

    private List<String> stringList(ConfigNode.Mapping map, String key) {
        Optional<ConfigNode> node = optionalNode(map, key);
        if (node.isEmpty()) {
            return List.of();
        }
        if (node.get() instanceof ConfigNode.Scalar s) {
            return List.of(s.value());
        }
        if (!(node.get() instanceof ConfigNode.Sequence seq)) {
            problems.add(node.get(), "expected a list of names, got " + node.get().kindName());
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (ConfigNode item : seq.items()) {
            if (item instanceof ConfigNode.Scalar s) {
                out.add(s.value());
            } else {
                problems.add(item, "expected a name, got " + item.kindName());
            }
        }
        return out;
    }
}
