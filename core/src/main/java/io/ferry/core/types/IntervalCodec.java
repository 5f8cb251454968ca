package io.ferry.core.types;

import com.fasterxml.jackson.databind.JsonNode;

/** INTERVAL: {@link Interval}'s ISO-8601 text. */
final class IntervalCodec implements ValueCodec {

    @Override
    public CanonicalType type() {
        return CanonicalType.INTERVAL;
    }

    @Override
    public JsonNode encode(Object value) {
        if (value instanceof Interval i) {
            return Codecs.NODES.textNode(i.toIso());
        }
        if (value instanceof String s) {
            return Codecs.NODES.textNode(Interval.parseIso(s).toIso());
        }
        throw Codecs.wrongJava(type(), value, "Interval or its ISO-8601 text");
    }

    @Override
    public Object decode(JsonNode node) {
        return Interval.parseIso(Codecs.text(type(), node));
    }

    @Override
    public boolean same(JsonNode a, JsonNode b, Tolerance tolerance) {
        return decode(a).equals(decode(b));
    }
}
