package io.ferry.core.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An immutable, ordered set of columns and their canonical values (JSON null for SQL NULL). A column
 * that is absent is not the same as a column that is NULL. Numbers are normalized on the way in (whole
 * numbers as long or big integer, others as double, or as their exact decimal where a double would be another
 * number), so equal values are equal whatever JSON node class carried them. The JSON nodes must not be changed after they were put in a row.
 */
public final class Row {

    private static final Row EMPTY = new Row(Map.of());

    private final Map<String, JsonNode> values;

    private Row(Map<String, JsonNode> values) {
        this.values = values;
    }

    public static Row empty() {
        return EMPTY;
    }

    /** A row with the columns in the map's iteration order; Java nulls become JSON null. */
    public static Row of(Map<String, ? extends JsonNode> values) {
        Map<String, JsonNode> copy = new LinkedHashMap<>();
        values.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "column name"), normalize(v)));
        return new Row(Collections.unmodifiableMap(copy));
    }

    /** A row over this map as it is: its values normalized already, and nobody changes the map afterwards. */
    static Row ofNormalized(Map<String, JsonNode> values) {
        return values.isEmpty() ? EMPTY : new Row(Collections.unmodifiableMap(values));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The value of a column, JSON null for NULL, or Java null when the row has no such column. */
    public JsonNode get(String column) {
        return values.get(column);
    }

    public boolean has(String column) {
        return values.containsKey(column);
    }

    public Set<String> columns() {
        return values.keySet();
    }

    public Map<String, JsonNode> asMap() {
        return values;
    }

    public int size() {
        return values.size();
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** This row with one column set (added at the end if new). */
    public Row with(String column, JsonNode value) {
        Map<String, JsonNode> copy = new LinkedHashMap<>(values);
        copy.put(column, normalize(value));
        return new Row(Collections.unmodifiableMap(copy));
    }

    /**
     * One JSON spelling per value: integers as long or big integer by size, other numbers as double unless a double
     * would not be the same number (a decimal in parsed JSON beyond a double's digits or range stays exact).
     */
    static JsonNode normalize(JsonNode value) {
        if (value == null) {
            return NullNode.getInstance();
        }
        if (value.isIntegralNumber()) {
            return value.canConvertToLong() ? EventJson.NODES.numberNode(value.longValue())
                    : EventJson.NODES.numberNode(value.bigIntegerValue());
        }
        if (value.isBigDecimal()) {
            return EventJson.fraction(value.decimalValue());
        }
        if (value.isFloatingPointNumber()) {
            return EventJson.NODES.numberNode(value.doubleValue());
        }
        if (value.isArray() && needsNormalizing(value)) {
            com.fasterxml.jackson.databind.node.ArrayNode out = EventJson.NODES.arrayNode(value.size());
            value.forEach(e -> out.add(normalize(e)));
            return out;
        }
        if (value.isObject() && needsNormalizing(value)) {
            com.fasterxml.jackson.databind.node.ObjectNode out = EventJson.NODES.objectNode();
            value.fields().forEachRemaining(e -> out.set(e.getKey(), normalize(e.getValue())));
            return out;
        }
        return value;
    }

    private static boolean needsNormalizing(JsonNode container) {
        for (JsonNode e : container) {
            if (e.isNumber() || e.isContainerNode()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Row r && values.equals(r.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return values.toString();
    }

    /** Collects columns in insertion order. */
    public static final class Builder {
        private Map<String, JsonNode> values = new LinkedHashMap<>();
        /** The map went into a built row: copied before the next put, so that row never changes. */
        private boolean built;

        public Builder put(String column, JsonNode value) {
            if (built) {
                values = new LinkedHashMap<>(values);
                built = false;
            }
            values.put(Objects.requireNonNull(column, "column name"), normalize(value));
            return this;
        }

        public Row build() {
            if (values.isEmpty()) {
                return EMPTY;
            }
            built = true;
            return new Row(Collections.unmodifiableMap(values));
        }
    }
}
