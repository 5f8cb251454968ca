package io.ferry.validation.diff;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.core.event.Row;
import io.ferry.core.schema.Column;
import io.ferry.core.spi.TargetTable;
import io.ferry.core.types.CanonicalValues;
import io.ferry.core.types.ColumnType;
import io.ferry.core.types.DocumentShape;
import io.ferry.core.types.Tolerance;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * 64-bit hashes of rows as {@link TableComparison} sees them, for the order-independent checksums of {@link Buckets}.
 * Each row is rendered in one canonical spelling and the rendering hashed with MD5 (a non-linear hash, so that the sums
 * of a bucket's hashes cannot cancel out). The rendering only merges spellings the comparison counts as the same: two rows
 * that render alike have the same normalized key and every column {@link TargetValues#same} (a hash collision aside).
 * The reverse need not hold: rows that compare the same may render differently (a numeric slack, child documents in
 * another order, a decimal a double cannot hold exactly), which only costs an exact comparison of their bucket. The key
 * is rendered at the table's precision, the columns at their own: times truncated, decimals by value, UUIDs decoded,
 * JSON parsed with object keys sorted and numbers by value, typed document fields by their types, NULL document fields
 * dropped (the comparison counts an absent field as NULL). A value the comparison never counts as the same as anything
 * (an array column holding a non-array) renders uniquely. Not thread-safe.
 */
final class RowHash {

    /** Parses JSON text as {@link io.ferry.core.types.CanonicalValues}' JSON codec does: numbers exactly. */
    private static final ObjectMapper EXACT = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);
    /** Parses JSON text as {@link TargetValues} parses documents: fractions exactly, as mapped rows keep them. */
    private static final ObjectMapper PLAIN = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final AtomicLong UNIQUE = new AtomicLong();

    private final TargetTable table;
    private final Function<String, Tolerance> columns;
    private final MessageDigest md5;
    private final StringBuilder text = new StringBuilder(256);

    /** @param columns each column's tolerance, as the comparison uses it */
    RowHash(TargetTable table, Function<String, Tolerance> columns) {
        this.table = table;
        this.columns = columns;
        try {
            this.md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has MD5", e);
        }
    }

    /** The hash of a normalized target key ({@link TargetValues#key}): equal keys hash alike. */
    long key(Row key) {
        text.setLength(0);
        renderKey(key);
        return digest();
    }

    /** The hash of a row with its normalized target key. */
    long row(Row key, Row row) {
        text.setLength(0);
        renderKey(key);
        text.append('|');
        for (Column c : table.columns()) {
            value(c.type(), row.get(c.name()), columns.apply(c.name()));
            text.append(';');
        }
        return digest();
    }

    /** The canonical rendering of one value, for tests. */
    String render(ColumnType type, JsonNode v, Tolerance tolerance) {
        text.setLength(0);
        value(type, v, tolerance);
        return text.toString();
    }

    private void renderKey(Row key) {
        for (JsonNode v : key.asMap().values()) {
            exact(v);
            text.append(';');
        }
    }

    private long digest() {
        byte[] d = md5.digest(text.toString().getBytes(StandardCharsets.UTF_8));
        long h = 0;
        for (int i = 0; i < 8; i++) {
            h = (h << 8) | (d[i] & 0xff);
        }
        return h;
    }

    /** A column value: equal renderings are {@link TargetValues#same} at this tolerance. */
    private void value(ColumnType type, JsonNode v, Tolerance tolerance) {
        if (v == null || v.isNull()) {
            text.append('N');
            return;
        }
        switch (type.kind()) {
            case JSON -> json(type.document(), v, tolerance);
            case ARRAY -> {
                if (!v.isArray()) {
                    unique();
                    return;
                }
                text.append('[');
                for (JsonNode e : v) {
                    value(type.elementType(), e, tolerance);
                    text.append(',');
                }
                text.append(']');
            }
            case UUID -> {
                try {
                    text.append('u').append(CanonicalValues.decode(type, v));
                } catch (RuntimeException e) {
                    exact(v);
                }
            }
            // truncated at the tolerance's precision, or by value, as the codecs compare them
            case TIMESTAMP, TIMESTAMPTZ, TIME, TIMETZ, DECIMAL, MONEY -> exact(TargetValues.normalize(type, v, tolerance));
            default -> exact(v);
        }
    }

    /** A JSON column, compared as TargetValues.same compares it: untyped trees by value, documents field by field. */
    private void json(DocumentShape shape, JsonNode v, Tolerance tolerance) {
        if (shape == null) {
            if (v.isContainerNode() || v.isNumber() || v.isBoolean()) {
                text.append('J');
                tree(v);
            } else if (v.isTextual()) {
                try {
                    JsonNode parsed = EXACT.readTree(v.textValue());
                    text.append('J');
                    tree(parsed);
                } catch (IOException e) {
                    text.append('T');
                    exact(v);
                }
            } else {
                unique();
            }
            return;
        }
        JsonNode tree = v;
        if (v.isTextual()) {
            try {
                tree = PLAIN.readTree(v.textValue());
            } catch (IOException e) {
                tree = v;
            }
        }
        if (!shape.array()) {
            fields(shape.fields(), tree, tolerance);
        } else if (!tree.isArray()) {
            unique();
        } else {
            // in the stored order: the comparison pairs child documents in any order, which the hash does not try to
            text.append('[');
            for (JsonNode e : tree) {
                fields(shape.fields(), e, tolerance);
                text.append(',');
            }
            text.append(']');
        }
    }

    /** One document: typed fields by their types, NULL fields left out (absent counts as NULL). */
    private void fields(Map<String, ColumnType> fields, JsonNode doc, Tolerance tolerance) {
        if (doc == null || doc.isNull()) {
            text.append('N');
            return;
        }
        if (!doc.isObject()) {
            text.append('G');
            tree(doc);
            return;
        }
        List<String> names = new ArrayList<>();
        doc.fieldNames().forEachRemaining(names::add);
        Collections.sort(names);
        text.append("O{");
        for (String name : names) {
            JsonNode child = doc.get(name);
            if (child.isNull()) {
                continue;
            }
            exactText(name);
            text.append(':');
            ColumnType type = fields.get(name);
            if (type != null) {
                value(type, child, tolerance);
            } else {
                tree(child);
            }
            text.append(',');
        }
        text.append('}');
    }

    /** A JSON tree compared as a whole: object keys in any order, numbers by value, arrays in order. */
    private void tree(JsonNode v) {
        if (v.isObject()) {
            List<String> names = new ArrayList<>();
            v.fieldNames().forEachRemaining(names::add);
            Collections.sort(names);
            text.append('{');
            for (String name : names) {
                exactText(name);
                text.append(':');
                tree(v.get(name));
                text.append(',');
            }
            text.append('}');
        } else if (v.isArray()) {
            text.append('[');
            for (JsonNode e : v) {
                tree(e);
                text.append(',');
            }
            text.append(']');
        } else if (v.isNumber()) {
            number(v);
        } else if (v.isNull() || v.isTextual() || v.isBoolean()) {
            exact(v);
        } else {
            unique();
        }
    }

    /**
     * A number inside JSON, by value. A fraction is compared as a double when one side's text is parsed as the documents'
     * parser does: one a double cannot hold exactly renders uniquely, so that rounding can never make two values alike.
     */
    private void number(JsonNode v) {
        try {
            BigDecimal d = v.decimalValue();
            if (!v.isIntegralNumber() && BigDecimal.valueOf(d.doubleValue()).compareTo(d) != 0) {
                unique();
                return;
            }
            text.append('n').append(d.signum() == 0 ? "0" : d.stripTrailingZeros().toString());
        } catch (NumberFormatException e) {
            unique();
        }
    }

    /** A scalar exactly as its JSON node: equal renderings are equal nodes. */
    private void exact(JsonNode v) {
        if (v == null || v.isNull()) {
            text.append('N');
        } else if (v.isTextual()) {
            exactText(v.textValue());
        } else if (v.isBoolean()) {
            text.append(v.booleanValue() ? 't' : 'f');
        } else if (v.isNumber()) {
            switch (v.numberType()) {
                case INT, LONG, BIG_INTEGER -> text.append('i').append(v.bigIntegerValue());
                case FLOAT -> text.append('F').append(v.floatValue());
                case DOUBLE -> text.append('D').append(v.doubleValue());
                case BIG_DECIMAL -> text.append('B').append(v.decimalValue());
            }
        } else {
            unique();
        }
    }

    /** Text, length-prefixed so that no concatenation of renderings is ambiguous. */
    private void exactText(String s) {
        text.append('s').append(s.length()).append(':').append(s);
    }

    /** Unlike every other rendering, this one's included: the bucket is always compared exactly. */
    private void unique() {
        text.append('!').append(UNIQUE.incrementAndGet());
    }
}
