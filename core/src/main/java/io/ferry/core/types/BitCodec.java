package io.ferry.core.types;

import com.fasterxml.jackson.databind.JsonNode;

/** BIT(n) and VARBIT: a string of 0 and 1, most significant bit first. */
final class BitCodec implements ValueCodec {

    @Override
    public CanonicalType type() {
        return CanonicalType.BIT;
    }

    @Override
    public JsonNode encode(Object value) {
        if (value instanceof Boolean b) {
            return Codecs.NODES.textNode(b ? "1" : "0");
        }
        if (value instanceof CharSequence s) {
            return Codecs.NODES.textNode(check(s.toString()));
        }
        throw Codecs.wrongJava(type(), value, "String of 0 and 1 (or Boolean for bit(1))");
    }

    private static String check(String bits) {
        if (!bits.chars().allMatch(c -> c == '0' || c == '1')) {
            throw new IllegalArgumentException("BIT value must be a string of 0 and 1, got \"" + bits + "\"");
        }
        return bits;
    }

    @Override
    public Object decode(JsonNode node) {
        return check(Codecs.text(type(), node));
    }
}
