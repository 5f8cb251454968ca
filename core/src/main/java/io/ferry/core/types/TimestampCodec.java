package io.ferry.core.types;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;

/**
 * TIMESTAMP (no zone): ISO-8601 local date-time with exactly 6 fractional digits; infinities ↔
 * {@code LocalDateTime.MAX/MIN}. Compared after truncating both sides to the tolerance's precision.
 */
final class TimestampCodec implements ValueCodec {

    @Override
    public CanonicalType type() {
        return CanonicalType.TIMESTAMP;
    }

    @Override
    public JsonNode encode(Object value) {
        if (value instanceof LocalDateTime t) {
            String text = t.equals(LocalDateTime.MAX) ? CanonicalTime.INFINITY
                    : t.equals(LocalDateTime.MIN) ? CanonicalTime.NEGATIVE_INFINITY
                    : CanonicalTime.formatLocal(t);
            return Codecs.NODES.textNode(text);
        }
        throw Codecs.wrongJava(type(), value, "LocalDateTime");
    }

    @Override
    public Object decode(JsonNode node) {
        String s = Codecs.text(type(), node);
        return switch (s) {
            case CanonicalTime.INFINITY -> LocalDateTime.MAX;
            case CanonicalTime.NEGATIVE_INFINITY -> LocalDateTime.MIN;
            default -> {
                try {
                    yield LocalDateTime.parse(s);
                } catch (DateTimeParseException e) {
                    throw Codecs.wrongJson(type(), node);
                }
            }
        };
    }

    @Override
    public boolean same(JsonNode a, JsonNode b, Tolerance tolerance) {
        LocalDateTime x = (LocalDateTime) decode(a);
        LocalDateTime y = (LocalDateTime) decode(b);
        if (x.equals(LocalDateTime.MAX) || x.equals(LocalDateTime.MIN)) {
            return x.equals(y);
        }
        return CanonicalTime.within(java.time.Duration.between(x, y), tolerance.timePrecision());
    }
}
