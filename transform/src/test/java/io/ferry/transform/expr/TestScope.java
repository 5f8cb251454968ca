package io.ferry.transform.expr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.ferry.core.event.Row;
import java.math.BigInteger;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A fixed row, related rows and source zone for the tests, plus shorthand for building rows. */
record TestScope(Row row, Map<String, List<Row>> relations, ZoneId sourceZone) implements Scope {

    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    static TestScope of(Row row) {
        return new TestScope(row, Map.of(), ZoneOffset.UTC);
    }

    TestScope withRelation(String name, Row... rows) {
        Map<String, List<Row>> copy = new LinkedHashMap<>(relations);
        copy.put(name, List.of(rows));
        return new TestScope(row, copy, sourceZone);
    }

    TestScope inZone(String zone) {
        return new TestScope(row, relations, ZoneId.of(zone));
    }

    @Override
    public List<Row> related(String relation) {
        return relations.getOrDefault(relation, List.of());
    }

    /** A row from column/value pairs; Java values become their JSON nodes, null becomes JSON null. */
    static Row row(Object... columnsAndValues) {
        Row.Builder b = Row.builder();
        for (int i = 0; i < columnsAndValues.length; i += 2) {
            b.put((String) columnsAndValues[i], node(columnsAndValues[i + 1]));
        }
        return b.build();
    }

    static JsonNode node(Object v) {
        if (v == null) {
            return NODES.nullNode();
        }
        if (v instanceof JsonNode n) {
            return n;
        }
        if (v instanceof String s) {
            return NODES.textNode(s);
        }
        if (v instanceof Boolean b) {
            return NODES.booleanNode(b);
        }
        if (v instanceof Integer i) {
            return NODES.numberNode((long) i);
        }
        if (v instanceof Long l) {
            return NODES.numberNode(l);
        }
        if (v instanceof BigInteger b) {
            return NODES.numberNode(b);
        }
        if (v instanceof Double d) {
            return NODES.numberNode(d);
        }
        throw new IllegalArgumentException("no JSON for " + v.getClass());
    }
}
