package io.ferry.core.types;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/** Small helpers shared by the codecs. */
final class Codecs {

    static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    private Codecs() {
    }

    static IllegalArgumentException wrongJava(CanonicalType type, Object value, String expected) {
        return new IllegalArgumentException(type + " expects " + expected + ", got "
                + value.getClass().getSimpleName() + " " + abbreviate(value));
    }

    static IllegalArgumentException wrongJson(CanonicalType type, JsonNode node) {
        return new IllegalArgumentException(type + " value must be " + type.canonicalForm() + ", got " + abbreviate(node));
    }

    static String text(CanonicalType type, JsonNode node) {
        if (!node.isTextual()) {
            throw wrongJson(type, node);
        }
        return node.textValue();
    }

    private static String abbreviate(Object value) {
        String s = String.valueOf(value);
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }
}
