package io.ferry.validation.diff;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import io.ferry.core.event.Row;
import io.ferry.core.schema.Column;
import io.ferry.core.spi.TargetTable;
import io.ferry.core.types.CanonicalType;
import io.ferry.core.types.CanonicalValues;
import io.ferry.core.types.ColumnType;
import io.ferry.core.types.DocumentShape;
import io.ferry.core.types.Tolerance;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How validation compares a mapped (expected) row with a row read back from a target: keys normalized to one
 * spelling at the target's precision, so they can be matched by equality; values through
 * {@link CanonicalValues#same}; nested documents as JSON trees, key order ignored, arrays of child documents in
 * any order, fields by their types where the column's {@link DocumentShape} knows them.
 */
final class TargetValues {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Reads JSON a target stores as text with every number exact, as the mapped side keeps numbers in parsed JSON. */
    private static final ObjectMapper JSON = new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    /**
     * Numbers by value: as doubles when either side is one (a FLOAT value, or a target that stores doubles: its shortest
     * text and JDK 17's longer {@code Double.toString} are one double), else exactly (a decimal in parsed JSON that a
     * double would change is kept exact on the mapped side, so a target that rounded it differs).
     */
    private static final Comparator<JsonNode> NUMBERS_BY_VALUE = (x, y) -> {
        if (x.isNumber() && y.isNumber()) {
            boolean binary = x.isDouble() || x.isFloat() || y.isDouble() || y.isFloat();
            return binary ? Double.compare(x.doubleValue(), y.doubleValue()) : x.decimalValue().compareTo(y.decimalValue());
        }
        return x.equals(y) ? 0 : 1;
    };

    private TargetValues() {
    }

    /**
     * The row's target key in one spelling: the key columns in key order, each value at the tolerance's time precision,
     * decimals without trailing zeros, UUIDs in lower case. Two keys the target cannot tell apart are equal rows.
     */
    static Row key(TargetTable table, Row row, Tolerance tolerance) {
        Row.Builder key = Row.builder();
        for (String k : table.key()) {
            JsonNode v = row.get(k);
            key.put(k, normalize(type(table, k), v == null ? NullNode.getInstance() : v, tolerance));
        }
        return key.build();
    }

    private static ColumnType type(TargetTable table, String column) {
        for (Column c : table.columns()) {
            if (c.name().equals(column)) {
                return c.type();
            }
        }
        throw new IllegalArgumentException("target table " + table.name() + " has no column " + column);
    }

    /** One spelling of a key value; a value that does not decode as its type is left as it is. */
    static JsonNode normalize(ColumnType type, JsonNode v, Tolerance tolerance) {
        if (v.isNull()) {
            return v;
        }
        try {
            return switch (type.kind()) {
                case TIMESTAMP -> {
                    LocalDateTime t = (LocalDateTime) CanonicalValues.decode(type, v);
                    yield t.equals(LocalDateTime.MAX) || t.equals(LocalDateTime.MIN) ? v
                            : CanonicalValues.encode(type, t.truncatedTo(tolerance.timePrecision()));
                }
                case TIMESTAMPTZ -> {
                    Instant t = (Instant) CanonicalValues.decode(type, v);
                    yield t.equals(Instant.MAX) || t.equals(Instant.MIN) ? v
                            : CanonicalValues.encode(type, t.truncatedTo(tolerance.timePrecision()));
                }
                case TIME -> {
                    // floored, not truncated toward zero: -0.6 s and +0.5 s are a second apart, and must not render alike
                    long unit = tolerance.timePrecision().getDuration().toNanos();
                    long nanos = ((Duration) CanonicalValues.decode(type, v)).toNanos();
                    yield CanonicalValues.encode(type, Duration.ofNanos(Math.floorDiv(nanos, unit) * unit));
                }
                case TIMETZ -> CanonicalValues.encode(type,
                        ((OffsetTime) CanonicalValues.decode(type, v)).truncatedTo(tolerance.timePrecision()));
                case DECIMAL, MONEY -> CanonicalValues.decode(type, v) instanceof BigDecimal d
                        ? NODES.textNode(d.stripTrailingZeros().toPlainString()) : v;
                case UUID -> NODES.textNode(v.asText().toLowerCase(java.util.Locale.ROOT));
                default -> v;
            };
        } catch (RuntimeException e) {
            return v;
        }
    }

    /** The target columns whose values differ, in column order; a column absent from a row counts as NULL. */
    static List<String> differingColumns(TargetTable table, Row expected, Row actual, Tolerance tolerance) {
        return differingColumns(table, expected, actual, c -> tolerance);
    }

    /** As above, each column with its own tolerance. */
    static List<String> differingColumns(TargetTable table, Row expected, Row actual, java.util.function.Function<String, Tolerance> tolerance) {
        List<String> out = new ArrayList<>();
        for (Column c : table.columns()) {
            if (!same(c.type(), expected.get(c.name()), actual.get(c.name()), tolerance.apply(c.name()))) {
                out.add(c.name());
            }
        }
        return out;
    }

    /** Whether two values of a column are the same within the tolerance; Java null (absent) counts as NULL. */
    static boolean same(ColumnType type, JsonNode expected, JsonNode actual, Tolerance tolerance) {
        boolean expectedNull = expected == null || expected.isNull();
        boolean actualNull = actual == null || actual.isNull();
        if (expectedNull || actualNull) {
            return expectedNull && actualNull;
        }
        if (type.kind() == CanonicalType.JSON && (type.document() != null || expected.isContainerNode() || actual.isContainerNode())) {
            return sameDocument(type.document(), tree(expected), tree(actual), tolerance);
        }
        try {
            return CanonicalValues.same(type, expected, actual, tolerance);
        } catch (RuntimeException e) {
            // a value not in its type's canonical shape (a reader's bug, or a document field typed loosely): compare as JSON
            return expected.equals(NUMBERS_BY_VALUE, actual);
        }
    }

    /** A nested document column: a sub-document, an array of documents (in any order), or untyped JSON. */
    private static boolean sameDocument(DocumentShape shape, JsonNode expected, JsonNode actual, Tolerance tolerance) {
        if (shape == null) {
            return expected.equals(NUMBERS_BY_VALUE, actual);
        }
        if (!shape.array()) {
            return sameFields(shape.fields(), expected, actual, tolerance);
        }
        if (!expected.isArray() || !actual.isArray() || expected.size() != actual.size()) {
            return false;
        }
        boolean inOrder = true;
        for (int i = 0; i < expected.size() && inOrder; i++) {
            inOrder = sameFields(shape.fields(), expected.get(i), actual.get(i), tolerance);
        }
        if (inOrder) {
            return true;
        }
        // child documents are keyed, not ordered: pair each expected element with an unused equal one
        Set<Integer> used = new HashSet<>();
        for (JsonNode e : expected) {
            boolean found = false;
            for (int i = 0; i < actual.size() && !found; i++) {
                if (!used.contains(i) && sameFields(shape.fields(), e, actual.get(i), tolerance)) {
                    used.add(i);
                    found = true;
                }
            }
            if (!found) {
                return false;
            }
        }
        return true;
    }

    /** Two documents field by field, typed fields by their type; a field absent on one side counts as NULL. */
    private static boolean sameFields(Map<String, ColumnType> fields, JsonNode expected, JsonNode actual, Tolerance tolerance) {
        if (expected.isNull() || actual.isNull()) {
            return expected.isNull() && actual.isNull();
        }
        if (!expected.isObject() || !actual.isObject()) {
            return expected.equals(NUMBERS_BY_VALUE, actual);
        }
        Set<String> names = new LinkedHashSet<>();
        expected.fieldNames().forEachRemaining(names::add);
        actual.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            JsonNode e = expected.get(name);
            JsonNode a = actual.get(name);
            ColumnType type = fields.get(name);
            boolean same = type != null ? same(type, e, a, tolerance)
                    : (e == null || e.isNull()) ? (a == null || a.isNull()) : a != null && e.equals(NUMBERS_BY_VALUE, a);
            if (!same) {
                return false;
            }
        }
        return true;
    }

    /** A JSON value as a tree: text holding JSON (a relational or Cassandra target stores documents as text) is parsed. */
    private static JsonNode tree(JsonNode v) {
        if (v.isTextual()) {
            try {
                return JSON.readTree(v.textValue());
            } catch (IOException e) {
                return v;
            }
        }
        return v;
    }
}
