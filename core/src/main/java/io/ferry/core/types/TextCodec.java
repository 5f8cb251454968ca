package io.ferry.core.types;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/** STRING, ENUM and INET: JSON strings as the source gives them (INET compares case-insensitively). */
final class TextCodec implements ValueCodec {

    private final CanonicalType type;

    TextCodec(CanonicalType type) {
        this.type = type;
    }

    @Override
    public CanonicalType type() {
        return type;
    }

    @Override
    public JsonNode encode(Object value) {
        if (value instanceof CharSequence || value instanceof Enum<?>) {
            return Codecs.NODES.textNode(value.toString());
        }
        throw Codecs.wrongJava(type, value, "String");
    }

    @Override
    public Object decode(JsonNode node) {
        return Codecs.text(type, node);
    }

    @Override
    public boolean same(JsonNode a, JsonNode b, Tolerance tolerance) {
        if (type == CanonicalType.INET && a.isTextual() && b.isTextual()) {
            return a.textValue().toLowerCase(Locale.ROOT).equals(b.textValue().toLowerCase(Locale.ROOT));
        }
        return a.equals(b);
    }
}
