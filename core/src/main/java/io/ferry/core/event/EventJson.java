package io.ferry.core.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON plumbing the event codecs share: one mapper, and rows, sources and markers as JSON. */
final class EventJson {

    static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);
    /** Writes doubles in their shortest form on every JDK (JDK 17's Double.toString is not always shortest). */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .nodeFactory(NODES)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
            .build();

    private EventJson() {
    }

    static byte[] write(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + node, e);
        }
    }

    static ObjectNode readObject(byte[] bytes, String what) {
        if (bytes == null) {
            throw new EventFormatException(what + " is missing (null)");
        }
        try {
            JsonNode node = MAPPER.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new EventFormatException(what + " must be a JSON object");
            }
            return (ObjectNode) node;
        } catch (IOException e) {
            throw new EventFormatException(what + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    static ObjectNode row(Row row) {
        ObjectNode out = NODES.objectNode();
        row.asMap().forEach(out::set);
        return out;
    }

    /** Null for a missing or JSON-null field. */
    static Row rowOrNull(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isObject()) {
            throw new EventFormatException("'" + field + "' must be a JSON object of columns");
        }
        Map<String, JsonNode> columns = new LinkedHashMap<>();
        value.fields().forEachRemaining(e -> columns.put(e.getKey(), e.getValue()));
        return Row.of(columns);
    }

    static Row row(JsonNode node, String field) {
        Row row = rowOrNull(node, field);
        if (row == null) {
            throw new EventFormatException("'" + field + "' is required");
        }
        return row;
    }

    static ObjectNode source(SourceInfo s) {
        ObjectNode out = NODES.objectNode();
        out.put("db", s.db());
        out.put("pos", s.pos());
        out.put("order", s.order());
        if (s.txId() == null) {
            out.putNull("txId");
        } else {
            out.put("txId", s.txId());
        }
        out.put("txSeq", s.txSeq());
        out.put("tsUs", s.tsUs());
        out.put("snapshot", s.snapshot());
        out.put("stampUs", s.stampUs());
        return out;
    }

    static SourceInfo source(JsonNode node) {
        JsonNode s = node.get("source");
        if (s == null || !s.isObject()) {
            throw new EventFormatException("'source' is required and must be an object");
        }
        JsonNode txId = s.get("txId");
        return new SourceInfo(text(s, "source.db", "db"), text(s, "source.pos", "pos"), s.path("order").asLong(0),
                txId == null || txId.isNull() ? null : txId.asText(), s.path("txSeq").asLong(0),
                longValue(s, "source.tsUs", "tsUs"), s.path("snapshot").asBoolean(false), s.path("stampUs").asLong(0));
    }

    static ObjectNode marker(Marker m) {
        ObjectNode out = NODES.objectNode();
        out.put("id", m.id());
        out.put("tsUs", m.tsUs());
        out.put("kind", m.kind().wireName());
        return out;
    }

    static Marker marker(JsonNode node) {
        JsonNode m = node.get("marker");
        if (m == null || !m.isObject()) {
            throw new EventFormatException("'marker' is required and must be an object");
        }
        return new Marker(longValue(m, "marker.id", "id"), longValue(m, "marker.tsUs", "tsUs"),
                Marker.Kind.fromWire(text(m, "marker.kind", "kind")));
    }

    static String text(JsonNode node, String path, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new EventFormatException("'" + path + "' is required and must be a string");
        }
        return v.textValue();
    }

    static long longValue(JsonNode node, String path, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.canConvertToLong() || !v.isIntegralNumber()) {
            throw new EventFormatException("'" + path + "' is required and must be an integer");
        }
        return v.longValue();
    }
}
