package io.ferry.core.types;

import com.fasterxml.jackson.databind.JsonNode;

/** BOOLEAN; also takes MySQL's TINYINT(1) 0/1. */
final class BooleanCodec implements ValueCodec {

    @Override
    public CanonicalType type() {
        return CanonicalType.BOOLEAN;
    }

    @Override
    public JsonNode encode(Object value) {
        if (value instanceof Boolean b) {
            return Codecs.NODES.booleanNode(b);
        }
        if (value instanceof Number n && (n.longValue() == 0 || n.longValue() == 1) && n.doubleValue() == n.longValue()) {
            return Codecs.NODES.booleanNode(n.longValue() == 1);
        }
        throw Codecs.wrongJava(type(), value, "Boolean (or the number 0 or 1)");
    }

    @Override
    public Object decode(JsonNode node) {
        if (!node.isBoolean()) {
            throw Codecs.wrongJson(type(), node);
        }
        return node.booleanValue();
    }
}
