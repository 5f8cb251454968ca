package io.ferry.core.event;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.io.NumberOutput;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON plumbing the event codecs share, streamed: records are written field by field from the event and read
 * token by token into rows, with no JSON tree in between (building and walking the trees was a third of capture's
 * and half of the sink's time per change). A column's value is still a {@link JsonNode}, as {@link Row} holds it.
 */
final class EventJson {

    static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);
    /** Writes doubles in their shortest form on every JDK (JDK 17's Double.toString is not always shortest). */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .nodeFactory(NODES)
            .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
            .build();

    private EventJson() {
    }

    /** Writes one record's JSON. */
    interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    static byte[] write(Body body) {
        return write(body, 512);
    }

    /** With room for {@code expectedBytes} at first (a key is a few dozen bytes, an event a few hundred). */
    static byte[] write(Body body, int expectedBytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(expectedBytes);
        try (JsonGenerator g = MAPPER.createGenerator(out, JsonEncoding.UTF8)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write an event's JSON", e);
        }
        return out.toByteArray();
    }

    /** A row as a JSON object of its columns, in the row's order. */
    static void writeRow(JsonGenerator g, Row row) throws IOException {
        g.writeStartObject();
        for (Map.Entry<String, JsonNode> c : row.asMap().entrySet()) {
            g.writeFieldName(c.getKey());
            writeValue(g, c.getValue());
        }
        g.writeEndObject();
    }

    static void writeRowOrNull(JsonGenerator g, String field, Row row) throws IOException {
        g.writeFieldName(field);
        if (row == null) {
            g.writeNull();
        } else {
            writeRow(g, row);
        }
    }

    /**
     * A number with a fraction as a row holds it: a double when the double's shortest form is this very number (every
     * FLOAT column's value), else the exact decimal (a number in parsed JSON that a double would round, or overflow).
     */
    static JsonNode fraction(BigDecimal exact) {
        double d = exact.doubleValue();
        if (Double.isFinite(d) && (exact.signum() == 0
                || d != 0 && new BigDecimal(NumberOutput.toString(d, true)).compareTo(exact) == 0)) {
            return NODES.numberNode(d);
        }
        return NODES.numberNode(exact);
    }

    /** The scalars a row holds most written directly, anything else (JSON columns, arrays) through the mapper. */
    private static void writeValue(JsonGenerator g, JsonNode v) throws IOException {
        switch (v.getNodeType()) {
            case STRING -> g.writeString(v.textValue());
            case BOOLEAN -> g.writeBoolean(v.booleanValue());
            case NULL -> g.writeNull();
            case NUMBER -> {
                switch (v.numberType()) {
                    case INT, LONG -> g.writeNumber(v.longValue());
                    case BIG_INTEGER -> g.writeNumber(v.bigIntegerValue());
                    case DOUBLE -> g.writeNumber(v.doubleValue());
                    default -> MAPPER.writeTree(g, v);
                }
            }
            default -> MAPPER.writeTree(g, v);
        }
    }

    static void writeSource(JsonGenerator g, SourceInfo s) throws IOException {
        g.writeFieldName("source");
        g.writeStartObject();
        g.writeStringField("db", s.db());
        g.writeStringField("pos", s.pos());
        g.writeNumberField("order", s.order());
        g.writeStringField("txId", s.txId());
        g.writeNumberField("txSeq", s.txSeq());
        g.writeNumberField("tsUs", s.tsUs());
        g.writeBooleanField("snapshot", s.snapshot());
        g.writeNumberField("stampUs", s.stampUs());
        g.writeEndObject();
    }

    static void writeMarker(JsonGenerator g, Marker m) throws IOException {
        g.writeFieldName("marker");
        g.writeStartObject();
        g.writeNumberField("id", m.id());
        g.writeNumberField("tsUs", m.tsUs());
        g.writeStringField("kind", m.kind().wireName());
        if (m.table() != null) {
            g.writeStringField("table", m.table().toString());
        }
        g.writeEndObject();
    }

    /**
     * The fields of one record's top-level JSON object, read in one pass: objects as rows, an array as its elements
     * (objects as rows), anything else as a node. A field whose value has the wrong shape is noticed only when it is
     * asked for, so the checks name the fields in the order the codec asks, as they always did.
     */
    static final class Fields {

        /** An array's element that is not a JSON object. */
        private static final Object NOT_AN_OBJECT = new Object();

        private final Map<String, ?> values;

        private Fields(Map<String, ?> values) {
            this.values = values;
        }

        /**
         * @throws EventFormatException when the bytes are missing, not JSON or not a JSON object
         */
        static Fields read(byte[] bytes, String what) {
            try (JsonParser p = open(bytes, what)) {
                Map<String, Object> out = new HashMap<>(16);
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken t = p.nextToken();
                    out.put(name, t == JsonToken.START_OBJECT ? row(p) : t == JsonToken.START_ARRAY ? elements(p) : value(p));
                }
                return new Fields(out);
            } catch (IOException e) {
                throw new EventFormatException(what + " is not valid JSON: " + e.getMessage(), e);
            }
        }

        /** A record that is a row as a whole (a key): its columns, in order. */
        static Row readRow(byte[] bytes, String what) {
            try (JsonParser p = open(bytes, what)) {
                return row(p);
            } catch (IOException e) {
                throw new EventFormatException(what + " is not valid JSON: " + e.getMessage(), e);
            }
        }

        /** A parser at the start of the record's object. */
        private static JsonParser open(byte[] bytes, String what) throws IOException {
            if (bytes == null) {
                throw new EventFormatException(what + " is missing (null)");
            }
            JsonParser p = MAPPER.createParser(bytes);
            if (p.nextToken() != JsonToken.START_OBJECT) {
                p.close();
                throw new EventFormatException(what + " must be a JSON object");
            }
            return p;
        }

        private static List<Object> elements(JsonParser p) throws IOException {
            List<Object> out = new ArrayList<>();
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                if (t == JsonToken.START_OBJECT) {
                    out.add(row(p));
                } else {
                    p.skipChildren();
                    out.add(NOT_AN_OBJECT);
                }
            }
            return out;
        }

        /** A number with a fraction or exponent, written as this text, as {@link Row} holds it. */
        static JsonNode fraction(String text) {
            double d = Double.parseDouble(text);
            if (Double.isFinite(d) && d != 0) {
                // a double holds every decimal of up to 15 significant digits in its normal range (DBL_DIG); and what
                // Ferry's writer wrote for a double (a FLOAT column's value) is that double's shortest form
                if ((significantDigits(text) <= 15 && Math.abs(d) >= Double.MIN_NORMAL) || NumberOutput.toString(d, true).equals(text)) {
                    return NODES.numberNode(d);
                }
            }
            BigDecimal exact;
            try {
                exact = new BigDecimal(text);
            } catch (NumberFormatException e) {
                throw new EventFormatException("the number " + text + " is beyond what a decimal can hold (its exponent)");
            }
            if (exact.signum() == 0) {
                return NODES.numberNode(d); // -0.0 stays negative
            }
            return EventJson.fraction(exact);
        }

        /** The digits of a number's text from its first non-zero one to its last non-zero one, before any exponent. */
        private static int significantDigits(String text) {
            int first = -1;
            int last = -1;
            int digits = 0;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == 'e' || c == 'E') {
                    break;
                }
                if (c >= '0' && c <= '9') {
                    if (c != '0') {
                        if (first < 0) {
                            first = digits;
                        }
                        last = digits;
                    }
                    digits++;
                }
            }
            return first < 0 ? 0 : last - first + 1;
        }

        /** The object the parser is at as a row: columns in order, values normalized as {@link Row} holds them. */
        private static Row row(JsonParser p) throws IOException {
            Map<String, JsonNode> columns = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                columns.put(name, value(p));
            }
            return Row.ofNormalized(columns);
        }

        /** The value the parser is at, as Row normalizes it (whole numbers long or big integer, others double). */
        private static JsonNode value(JsonParser p) throws IOException {
            return switch (p.currentToken()) {
                case VALUE_STRING -> NODES.textNode(p.getText());
                case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                        ? NODES.numberNode(p.getBigIntegerValue()) : NODES.numberNode(p.getLongValue());
                case VALUE_NUMBER_FLOAT -> fraction(p.getText());
                case VALUE_TRUE -> BooleanNode.TRUE;
                case VALUE_FALSE -> BooleanNode.FALSE;
                case VALUE_NULL -> NullNode.getInstance();
                case START_OBJECT -> {
                    ObjectNode object = NODES.objectNode();
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String name = p.currentName();
                        p.nextToken();
                        object.set(name, value(p));
                    }
                    yield object;
                }
                case START_ARRAY -> {
                    ArrayNode array = NODES.arrayNode();
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        array.add(value(p));
                    }
                    yield array;
                }
                default -> throw new EventFormatException("unexpected " + p.currentToken() + " at " + p.currentLocation());
            };
        }

        /** Null for a missing or JSON-null field. */
        Row rowOrNull(String field) {
            Object v = values.get(field);
            if (v == null || v instanceof JsonNode n && n.isNull()) {
                return null;
            }
            if (v instanceof Row row) {
                return row;
            }
            if (v instanceof JsonNode n && n.isObject()) {
                // an object inside an array's element (a patch path step's key)
                Map<String, JsonNode> columns = new LinkedHashMap<>();
                n.fields().forEachRemaining(e -> columns.put(e.getKey(), e.getValue()));
                return Row.ofNormalized(columns);
            }
            throw new EventFormatException("'" + field + "' must be a JSON object of columns");
        }

        Row row(String field) {
            Row row = rowOrNull(field);
            if (row == null) {
                throw new EventFormatException("'" + field + "' is required");
            }
            return row;
        }

        String text(String path, String field) {
            if (!(values.get(field) instanceof JsonNode n) || !n.isTextual()) {
                throw new EventFormatException("'" + path + "' is required and must be a string");
            }
            return n.textValue();
        }

        long longValue(String path, String field) {
            if (!(values.get(field) instanceof JsonNode n) || !n.isIntegralNumber() || !n.canConvertToLong()) {
                throw new EventFormatException("'" + path + "' is required and must be an integer");
            }
            return n.longValue();
        }

        /** The field's value as JsonNode.asLong gives it: {@code otherwise} when absent or not convertible. */
        long asLong(String field, long otherwise) {
            return values.get(field) instanceof JsonNode n ? n.asLong(otherwise) : otherwise;
        }

        int asInt(String field, int otherwise) {
            return values.get(field) instanceof JsonNode n ? n.asInt(otherwise) : otherwise;
        }

        /** The field's array, each element's fields; null when absent, not an array, or an element is not an object. */
        List<Fields> objects(String field) {
            if (!(values.get(field) instanceof List<?> list)) {
                return null;
            }
            List<Fields> out = new ArrayList<>(list.size());
            for (Object o : list) {
                if (!(o instanceof Row r)) {
                    return null;
                }
                out.add(new Fields(r.asMap()));
            }
            return out;
        }

        /** A JSON object field's own fields, or null when it is absent or not an object. */
        private Fields object(String field) {
            return values.get(field) instanceof Row r ? new Fields(r.asMap()) : null;
        }

        SourceInfo source() {
            Fields s = object("source");
            if (s == null) {
                throw new EventFormatException("'source' is required and must be an object");
            }
            JsonNode txId = (JsonNode) s.values.get("txId");
            return new SourceInfo(s.text("source.db", "db"), s.text("source.pos", "pos"), s.asLong("order", 0),
                    txId == null || txId.isNull() ? null : txId.asText(), s.asLong("txSeq", 0),
                    s.longValue("source.tsUs", "tsUs"), s.values.get("snapshot") instanceof JsonNode b && b.asBoolean(false),
                    s.asLong("stampUs", 0));
        }

        Marker marker() {
            Fields m = object("marker");
            if (m == null) {
                throw new EventFormatException("'marker' is required and must be an object");
            }
            Marker.Kind kind = Marker.Kind.fromWire(m.text("marker.kind", "kind"));
            return new Marker(m.longValue("marker.id", "id"), m.longValue("marker.tsUs", "tsUs"), kind,
                    kind.snapshotBound() ? markerTable(m.text("marker.table", "table")) : null);
        }

        private static TableId markerTable(String table) {
            try {
                return TableId.parse(table);
            } catch (IllegalArgumentException e) {
                throw new EventFormatException("'marker.table' " + e.getMessage());
            }
        }
    }
}
