package io.ferry.transform.expr;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.ArrayList;
import java.util.List;

/** Reads JSON text, walks paths like {@code a.b[0].c} into it, and writes JSON values back as text. */
final class JsonPaths {

    /**
     * Keeps numbers exactly as written (1.10 stays 1.10) and writes doubles in their shortest form on
     * every JDK, so JSON text and hashes do not depend on the Java version.
     */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
            .build();

    private JsonPaths() {
    }

    /**
     * Parses a path: keys separated by dots, {@code [n]} array indexes (negative counts from the end),
     * {@code ["key"]} or {@code ['key']} for keys with dots or brackets, and an optional leading
     * {@code $}. The empty path and {@code $} are the whole document.
     *
     * @throws IllegalArgumentException naming the problem and its 0-based offset in the path
     */
    static List<Object> parsePath(String path) {
        List<Object> steps = new ArrayList<>();
        int i = 0;
        int n = path.length();
        if (path.startsWith("$")) {
            i = 1;
            if (i < n && path.charAt(i) != '.' && path.charAt(i) != '[') {
                throw new IllegalArgumentException("expected '.' or '[' after '$' in path '" + path + "'");
            }
            if (i < n && path.charAt(i) == '.') {
                i++;
            }
        }
        boolean needKey = i < n;
        while (i < n) {
            char c = path.charAt(i);
            if (c == '[') {
                int close = path.indexOf(']', i);
                if (close < 0) {
                    throw new IllegalArgumentException("missing ']' in path '" + path + "'");
                }
                steps.add(bracket(path, path.substring(i + 1, close)));
                i = close + 1;
                needKey = false;
            } else if (c == '.') {
                if (needKey) {
                    throw new IllegalArgumentException("empty key in path '" + path + "'");
                }
                i++;
                needKey = true;
                if (i >= n) {
                    throw new IllegalArgumentException("path '" + path + "' ends with '.'");
                }
            } else {
                int end = i;
                while (end < n && path.charAt(end) != '.' && path.charAt(end) != '[') {
                    end++;
                }
                steps.add(path.substring(i, end));
                i = end;
                needKey = false;
            }
        }
        return steps;
    }

    private static Object bracket(String path, String inside) {
        if (inside.length() >= 2 && (inside.startsWith("\"") && inside.endsWith("\"")
                || inside.startsWith("'") && inside.endsWith("'"))) {
            return inside.substring(1, inside.length() - 1);
        }
        try {
            return Integer.parseInt(inside.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected an array index or a quoted key in '[" + inside
                    + "]' in path '" + path + "'");
        }
    }

    /**
     * The JSON document a value holds: a string is JSON text (a canonical JSON column) and is parsed;
     * an object, array, number or boolean is already a JSON value. Java null for SQL NULL.
     */
    static JsonNode document(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return null;
        }
        if (value.isTextual()) {
            return parse(value.textValue());
        }
        return value;
    }

    static JsonNode parse(String text) {
        try {
            JsonNode tree = MAPPER.readTree(text);
            if (tree == null || tree.isMissingNode()) {
                throw new ValueException("cannot read " + Values.describe(text) + " as JSON: it is empty");
            }
            return tree;
        } catch (JsonProcessingException e) {
            throw new ValueException("cannot read " + Values.describe(text) + " as JSON: " + e.getOriginalMessage());
        }
    }

    /** Whether a string is one complete JSON value. */
    static boolean isJson(String text) {
        try {
            JsonNode tree = MAPPER.readTree(text);
            return tree != null && !tree.isMissingNode();
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    /** The value at the steps, or Java null when a key or index is missing or the shape does not fit. */
    static JsonNode navigate(JsonNode document, List<Object> steps) {
        JsonNode at = document;
        for (Object step : steps) {
            if (at == null) {
                return null;
            }
            if (step instanceof Integer index) {
                if (!at.isArray()) {
                    return null;
                }
                int i = index < 0 ? at.size() + index : index;
                at = i >= 0 && i < at.size() ? at.get(i) : null;
            } else {
                at = at.isObject() ? at.get((String) step) : null;
            }
        }
        return at;
    }

    /**
     * The {@code ->>} result: strings unquoted, numbers and booleans as text, objects and arrays as
     * JSON text; SQL NULL for JSON null.
     */
    static JsonNode asText(JsonNode found) {
        if (found == null || found.isNull()) {
            return NullNode.getInstance();
        }
        if (found.isTextual()) {
            return found;
        }
        return Values.NODES.textNode(Values.text(found));
    }

    /** The {@code ->} result: the value as JSON text (JSON null gives the text "null"); SQL NULL when missing. */
    static JsonNode asJsonText(JsonNode found) {
        return found == null ? NullNode.getInstance() : Values.NODES.textNode(write(found));
    }

    /** Compact JSON text. */
    static String write(JsonNode value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON " + value, e);
        }
    }
}
