package io.ferry.validation.diff;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.core.event.Row;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Rows for tests, written as JSON objects. */
final class TestRows {

    static final ObjectMapper JSON = new ObjectMapper();

    private TestRows() {
    }

    static Row row(String json) {
        try {
            Map<String, JsonNode> values = new LinkedHashMap<>();
            JSON.readTree(json).fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue()));
            return Row.of(values);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A one-column integer key. */
    static Row key(String column, long value) {
        return Row.builder().put(column, JSON.getNodeFactory().numberNode(value)).build();
    }
}
