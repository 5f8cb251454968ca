package io.ferry.transform.topology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferry.core.event.Row;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Rows and value lists as compact JSON bytes, for state store keys and values. */
final class RowJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private RowJson() {
    }

    static byte[] write(Row row) {
        ObjectNode node = MAPPER.createObjectNode();
        row.asMap().forEach(node::set);
        return bytes(node);
    }

    static byte[] values(List<JsonNode> values) {
        ArrayNode node = MAPPER.createArrayNode();
        values.forEach(node::add);
        return bytes(node);
    }

    static Row read(byte[] bytes) {
        try {
            JsonNode node = MAPPER.readTree(bytes);
            Map<String, JsonNode> values = new LinkedHashMap<>();
            node.fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue()));
            return Row.of(values);
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt state entry", e);
        }
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
