package io.ferry.transform.topology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferry.core.event.Row;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

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
            return io.ferry.transform.mapping.RowMapper.toRow((ObjectNode) MAPPER.readTree(bytes));
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
