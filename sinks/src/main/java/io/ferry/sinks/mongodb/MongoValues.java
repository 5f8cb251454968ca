package io.ferry.sinks.mongodb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferry.core.event.Row;
import io.ferry.core.types.CanonicalType;
import io.ferry.core.types.CanonicalValues;
import io.ferry.core.types.ColumnType;
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
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.bson.types.Binary;
import org.bson.types.Decimal128;

/**
 * MongoDB's type table (docs/types.md): top-level columns typed by the mapped column types (decimals as
 * Decimal128, timestamps as BSON dates with millisecond precision, bytes as binary); nested sub-documents
 * and arrays, which carry no column types, as their JSON shapes (text stays text).
 */
final class MongoValues {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private MongoValues() {
    }

    static Object toBson(String column, ColumnType type, JsonNode value, ZoneId naiveZone) {
        if (value == null || value.isNull()) {
            return null;
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
                    ? null : ((LocalDateTime) v).atZone(naiveZone).toInstant());
            case TIMESTAMPTZ -> date(column, value, v.equals(Instant.MAX) || v.equals(Instant.MIN) ? null : (Instant) v);
            case ARRAY -> {
                List<Object> out = new ArrayList<>();
                for (JsonNode e : value) {
                    out.add(toBson(column, type.elementType(), e, naiveZone));
                }
                yield out;
            }
            case BOOLEAN -> v;
            default -> value.isTextual() ? value.textValue() : value.toString();
        };
    }

    private static Decimal128 special(Double d) {
        return d.isNaN() ? Decimal128.NaN : d > 0 ? Decimal128.POSITIVE_INFINITY : Decimal128.NEGATIVE_INFINITY;
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
        if (value.isNumber()) {
            return value.doubleValue();
        }
        return value.asText();
    }

    static Document document(Row row) {
        Document d = new Document();
        row.asMap().forEach((k, v) -> d.append(k, generic(v)));
        return d;
    }

    /** A value read back, into the canonical form of its column type. */
    static JsonNode fromBson(ColumnType type, Object v, ZoneId naiveZone) {
        if (v == null) {
            return NODES.nullNode();
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
            return NODES.textNode(d.bigDecimalValue().toPlainString());
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
