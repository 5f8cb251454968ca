package io.ferry.core.types;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.UUID;

/** UUID: lower-case canonical text; decodes to {@link UUID}. */
final class UuidCodec implements ValueCodec {

    @Override
    public CanonicalType type() {
        return CanonicalType.UUID;
    }

    @Override
    public JsonNode encode(Object value) {
        if (value instanceof UUID u) {
            return Codecs.NODES.textNode(u.toString());
        }
        if (value instanceof String s) {
            return Codecs.NODES.textNode(parse(s).toString());
        }
        throw Codecs.wrongJava(type(), value, "UUID or its text");
    }

    private UUID parse(String s) {
        if (s.length() != 36) {
            throw new IllegalArgumentException("UUID value must be 8-4-4-4-12 hex, got \"" + s + "\"");
        }
        try {
            return UUID.fromString(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("UUID value must be 8-4-4-4-12 hex, got \"" + s + "\"");
        }
    }

    @Override
    public Object decode(JsonNode node) {
        return parse(Codecs.text(type(), node));
    }

    @Override
    public boolean same(JsonNode a, JsonNode b, Tolerance tolerance) {
        return decode(a).equals(decode(b));
    }
}
