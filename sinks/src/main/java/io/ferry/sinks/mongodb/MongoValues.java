package io.ferry.sinks.mongodb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferry.core.event.Row;
import io.ferry.core.event.TargetEvent;
import io.ferry.core.schema.Column;
import io.ferry.core.spi.TargetTable;
import io.ferry.core.types.CanonicalType;
import io.ferry.core.types.CanonicalValues;
import io.ferry.core.types.ColumnType;
import io.ferry.core.types.DocumentShape;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.bson.Document;
import org.bson.types.Binary;
import org.bson.types.Decimal128;

/**
 * MongoDB's type table (docs/types.md): values typed by the mapped column types (decimals as Decimal128,
 * timestamps as BSON dates with millisecond precision, bytes as binary), at every depth of a nested
 * document through its fields' types; a value without a known type (a field the mapping does not type, a
 * column no mapping defines) as its JSON shape (text stays text).
 */
final class MongoValues {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private MongoValues() {
    }

    /**
     * A canonical value as BSON.
     *
     * @param column the value's place, for errors ({@code orders[].order_date})
     * @param type its type; null when unknown
     */
    static Object toBson(String column, ColumnType type, JsonNode value, ZoneId naiveZone) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (type != null && type.document() != null) {
            return nested(column, type.document(), value, naiveZone);
        }
        if (type == null || value.isObject() || (value.isArray() && type.kind() != CanonicalType.ARRAY)) {
            return generic(value);
        }
        Object v = CanonicalValues.decode(type, value);
        return switch (type.kind()) {
            case INT16, INT32 -> ((Long) v).intValue();
            case INT64 -> v;
            case UINT64 -> new Decimal128(new BigDecimal((BigInteger) v));
            case DECIMAL, MONEY -> v instanceof BigDecimal d ? new Decimal128(d) : special((Double) v);
            case FLOAT32, FLOAT64 -> ((Number) v).doubleValue();
            case BYTES -> new Binary((byte[]) v);
            case DATE -> date(column, value, ((LocalDate) v).equals(LocalDate.MAX) || ((LocalDate) v).equals(LocalDate.MIN)
                    ? null : ((LocalDate) v).atStartOfDay().toInstant(ZoneOffset.UTC));
            case TIMESTAMP -> date(column, value, ((LocalDateTime) v).equals(LocalDateTime.MAX) || ((LocalDateTime) v).equals(LocalDateTime.MIN)
                    ? null : naiveInstant(column, (LocalDateTime) v, naiveZone));
            case TIMESTAMPTZ -> date(column, value, v.equals(Instant.MAX) || v.equals(Instant.MIN) ? null : (Instant) v);
            case ARRAY -> {
                List<Object> out = new ArrayList<>();
                for (JsonNode e : value) {
                    out.add(toBson(column, type.elementType(), e, naiveZone));
                }
                yield out;
            }
            case BOOLEAN -> v;
            default -> CanonicalValues.text(value);
        };
    }

    private static Object nested(String column, DocumentShape shape, JsonNode value, ZoneId naiveZone) {
        if (shape.array() && value.isArray()) {
            List<Object> out = new ArrayList<>();
            for (JsonNode e : value) {
                out.add(e.isObject() ? document(column + "[]", shape.fields(), e.fields(), naiveZone) : generic(e));
            }
            return out;
        }
        return value.isObject() ? document(column, shape.fields(), value.fields(), naiveZone) : generic(value);
    }

    /**
     * A nested document (a patch's sub-document or array element, or an element's key) with its fields converted
     * by their types.
     *
     * @param path where the document is, for errors
     * @param fields the document's field types; a field missing here is converted as its JSON shape
     */
    static Document document(String path, Map<String, ColumnType> fields, Row row, ZoneId naiveZone) {
        return document(path, fields, row.asMap().entrySet().iterator(), naiveZone);
    }

    private static Document document(String path, Map<String, ColumnType> fields, Iterator<Map.Entry<String, JsonNode>> values,
            ZoneId naiveZone) {
        Document d = new Document();
        values.forEachRemaining(e -> d.append(e.getKey(), toBson(path + "." + e.getKey(), fields.get(e.getKey()), e.getValue(), naiveZone)));
        return d;
    }

    /**
     * The fields of each document a patch path walks into: element {@code i} holds the field types of the
     * sub-document or array element that {@code path[0..i]} leads to; empty where the table's types do not
     * say (then the values keep their JSON shapes).
     */
    static List<Map<String, ColumnType>> fieldsAlong(TargetTable table, List<TargetEvent.PathStep> path) {
        Map<String, ColumnType> fields = table.columns().stream().collect(Collectors.toMap(Column::name, Column::type));
        List<Map<String, ColumnType>> out = new ArrayList<>();
        for (TargetEvent.PathStep step : path) {
            ColumnType type = fields.get(step.field());
            DocumentShape shape = type == null ? null : type.document();
            fields = shape != null && shape.array() == (step.elementKey() != null) ? shape.fields() : Map.of();
            out.add(fields);
        }
        return out;
    }

    private static Decimal128 special(Double d) {
        return d.isNaN() ? Decimal128.NaN : d > 0 ? Decimal128.POSITIVE_INFINITY : Decimal128.NEGATIVE_INFINITY;
    }

    /** A naive timestamp's instant in the source's zone; one the zone skips is refused, naming the column. */
    private static Instant naiveInstant(String column, LocalDateTime time, java.time.ZoneId zone) {
        try {
            return io.ferry.core.types.CanonicalTime.naiveInstant(time, zone, "the sink's naive_time_zone");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(column + ": " + e.getMessage(), e);
        }
    }

    private static Date date(String column, JsonNode value, Instant instant) {
        if (instant == null) {
            throw new IllegalArgumentException(column + ": a BSON date cannot hold " + value.asText());
        }
        return Date.from(instant);
    }

    /** A JSON shape as BSON: objects as documents, arrays as lists, text as text. */
    static Object generic(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isObject()) {
            Document d = new Document();
            value.fields().forEachRemaining(e -> d.append(e.getKey(), generic(e.getValue())));
            return d;
        }
        if (value.isArray()) {
            List<Object> out = new ArrayList<>();
            value.forEach(e -> out.add(generic(e)));
            return out;
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isIntegralNumber()) {
            return value.canConvertToInt() ? (Object) value.intValue() : value.canConvertToLong() ? (Object) value.longValue()
                    : new Decimal128(value.decimalValue());
        }
        if (value.isBigDecimal()) {
            // a fraction a double would round (Row keeps it exact): a Decimal128 when it holds all its digits
            try {
                return new Decimal128(value.decimalValue());
            } catch (NumberFormatException beyond34Digits) {
                return value.doubleValue();
            }
        }
        if (value.isNumber()) {
            return value.doubleValue();
        }
        return value.asText();
    }

    /** A value read back, into the canonical form of its column type. */
    static JsonNode fromBson(ColumnType type, Object v, ZoneId naiveZone) {
        if (v == null) {
            return NODES.nullNode();
        }
        if (type.document() != null) {
            return nestedJson(type.document(), v, naiveZone);
        }
        if (v instanceof Document || (v instanceof List<?> && type.kind() != CanonicalType.ARRAY)) {
            return json(v);
        }
        Object java = switch (type.kind()) {
            case INT16, INT32, INT64 -> ((Number) v).longValue();
            case UINT64 -> ((Decimal128) v).bigDecimalValue().toBigIntegerExact();
            case DECIMAL, MONEY -> {
                Decimal128 d = (Decimal128) v;
                yield d.isNaN() ? (Object) Double.NaN : d.isInfinite() ? (Object) (d.isNegative() ? Double.NEGATIVE_INFINITY
                        : Double.POSITIVE_INFINITY) : d.bigDecimalValue();
            }
            case FLOAT32 -> ((Number) v).floatValue();
            case FLOAT64 -> ((Number) v).doubleValue();
            case BYTES -> ((Binary) v).getData();
            case DATE -> LocalDate.ofInstant(((Date) v).toInstant(), ZoneOffset.UTC);
            case TIMESTAMP -> LocalDateTime.ofInstant(((Date) v).toInstant(), naiveZone);
            case TIMESTAMPTZ -> ((Date) v).toInstant();
            case ARRAY -> {
                ArrayNode out = NODES.arrayNode();
                for (Object e : (List<?>) v) {
                    out.add(fromBson(type.elementType(), e, naiveZone));
                }
                yield out;
            }
            case BOOLEAN -> v;
            default -> null;
        };
        if (java instanceof ArrayNode a) {
            return a;
        }
        if (java == null) {
            return CanonicalValues.encode(type, CanonicalValues.decode(type, NODES.textNode(String.valueOf(v))));
        }
        return CanonicalValues.encode(type, java);
    }

    private static JsonNode nestedJson(DocumentShape shape, Object v, ZoneId naiveZone) {
        if (shape.array() && v instanceof List<?> l) {
            ArrayNode out = NODES.arrayNode();
            l.forEach(e -> out.add(e instanceof Document d ? documentJson(shape.fields(), d, naiveZone) : json(e)));
            return out;
        }
        return v instanceof Document d ? documentJson(shape.fields(), d, naiveZone) : json(v);
    }

    private static ObjectNode documentJson(Map<String, ColumnType> fields, Document d, ZoneId naiveZone) {
        ObjectNode o = NODES.objectNode();
        for (Map.Entry<String, Object> e : d.entrySet()) {
            ColumnType type = fields.get(e.getKey());
            JsonNode value;
            try {
                value = type == null ? json(e.getValue()) : fromBson(type, e.getValue(), naiveZone);
            } catch (ClassCastException | IllegalArgumentException ex) {
                // written before the field had a type (or by someone else): read it as it is, and let the comparison tell
                value = json(e.getValue());
            }
            o.set(e.getKey(), value);
        }
        return o;
    }

    private static JsonNode json(Object v) {
        if (v instanceof Document d) {
            ObjectNode o = NODES.objectNode();
            for (Map.Entry<String, Object> e : d.entrySet()) {
                o.set(e.getKey(), json(e.getValue()));
            }
            return o;
        }
        if (v instanceof List<?> l) {
            ArrayNode a = NODES.arrayNode();
            l.forEach(e -> a.add(json(e)));
            return a;
        }
        if (v == null) {
            return NODES.nullNode();
        }
        if (v instanceof Boolean b) {
            return NODES.booleanNode(b);
        }
        if (v instanceof Integer || v instanceof Long) {
            return NODES.numberNode(((Number) v).longValue());
        }
        if (v instanceof Double d) {
            return NODES.numberNode(d);
        }
        if (v instanceof Decimal128 d) {
            if (d.isNaN() || d.isInfinite()) {
                return NODES.textNode(d.toString());
            }
            BigDecimal exact = d.bigDecimalValue();
            return exact.scale() == 0 ? NODES.numberNode(exact.toBigInteger()) : DecimalNode.valueOf(exact);
        }
        if (v instanceof Date d) {
            return NODES.textNode(d.toInstant().toString());
        }
        if (v instanceof Binary b) {
            return NODES.textNode(Base64.getEncoder().encodeToString(b.getData()));
        }
        return NODES.textNode(String.valueOf(v));
    }
}
