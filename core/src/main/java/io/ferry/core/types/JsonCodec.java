package io.ferry.core.types;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Comparator;

/**
 * JSON: the source's exact text in a JSON string (jsonb's normalized text, json's text as written).
 * Compared semantically: object key order and number spelling ({@code 1.0} vs {@code 1}) do not
 * matter, array order does. A mapping's nested documents and parsed JSON travel as JSON trees in JSON
 * columns: they decode to their text and compare as trees.
 */
final class JsonCodec implements ValueCodec {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            // one JSON value and nothing after it: "{} junk" and "" are not JSON
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static final Comparator<JsonNode> NUMBERS_BY_VALUE = (x, y) -> {
        if (x.isNumber() && y.isNumber()) {
            return x.decimalValue().compareTo(y.decimalValue());
        }
        return x.equals(y) ? 0 : 1;
    };

    @Override
    public CanonicalType type() {
        return CanonicalType.JSON;
    }

    @Override
    public JsonNode encode(Object value) {
        if (value instanceof CharSequence s) {
            String text = s.toString();
            parse(text);
            return Codecs.NODES.textNode(text);
        }
        throw Codecs.wrongJava(type(), value, "String holding JSON text");
    }

    /**
     * The JSON text, unchanged. A value a mapping built or parsed (a nested document, an array, a number or a
     * boolean) is not text: it decodes to its compact JSON text, which is what a target storing JSON as text
     * writes.
     */
    @Override
    public Object decode(JsonNode node) {
        return parsed(node) ? node.toString() : Codecs.text(type(), node);
    }

    private static boolean parsed(JsonNode node) {
        return node.isContainerNode() || node.isNumber() || node.isBoolean();
    }

    /** The value as a tree: text parsed, a parsed value as it is. */
    private JsonNode tree(JsonNode node) {
        return parsed(node) ? node : parse(Codecs.text(type(), node));
    }

    /** The JSON text parsed into a tree, for mappings that reach into it. */
    static JsonNode parse(String text) {
        try {
            JsonNode tree = MAPPER.readTree(text);
            if (tree == null || tree.isMissingNode()) {
                throw new IllegalArgumentException("JSON value is not valid JSON: it is empty");
            }
            return tree;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("JSON value is not valid JSON: " + e.getOriginalMessage());
        }
    }

    @Override
    public boolean same(JsonNode a, JsonNode b, Tolerance tolerance) {
        return tree(a).equals(NUMBERS_BY_VALUE, tree(b));
    }
}
