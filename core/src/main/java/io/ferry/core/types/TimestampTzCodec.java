package io.ferry.core.types;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;

/**
 * TIMESTAMPTZ: the instant in UTC with exactly 6 fractional digits and {@code Z}; infinities ↔
 * {@code Instant.MAX/MIN}. Reads any ISO-8601 offset, so a target's {@code +02:00} compares equal.
 */
final class TimestampTzCodec implements ValueCodec {

    @Override
    public CanonicalType type() {
        return CanonicalType.TIMESTAMPTZ;
    }

    @Override
    public JsonNode encode(Object value) {
        Instant t;
        if (value instanceof Instant i) {
            t = i;
        } else if (value instanceof OffsetDateTime o) {
            t = o.equals(OffsetDateTime.MAX) ? Instant.MAX : o.equals(OffsetDateTime.MIN) ? Instant.MIN : o.toInstant();
        } else if (value instanceof ZonedDateTime z) {
            t = z.toInstant();
        } else {
            throw Codecs.wrongJava(type(), value, "Instant, OffsetDateTime or ZonedDateTime");
        }
        String text = t.equals(Instant.MAX) ? CanonicalTime.INFINITY
                : t.equals(Instant.MIN) ? CanonicalTime.NEGATIVE_INFINITY
                : CanonicalTime.formatInstant(t);
        return Codecs.NODES.textNode(text);
    }

    @Override
    public Object decode(JsonNode node) {
        String s = Codecs.text(type(), node);
        return switch (s) {
            case CanonicalTime.INFINITY -> Instant.MAX;
            case CanonicalTime.NEGATIVE_INFINITY -> Instant.MIN;
            default -> {
                try {
                    yield OffsetDateTime.parse(s).toInstant();
                } catch (DateTimeParseException e) {
                    throw Codecs.wrongJson(type(), node);
                }
            }
        };
    }

    @Override
    public boolean same(JsonNode a, JsonNode b, Tolerance tolerance) {
        Instant x = (Instant) decode(a);
        Instant y = (Instant) decode(b);
        if (x.equals(Instant.MAX) || x.equals(Instant.MIN)) {
            return x.equals(y);
        }
        return CanonicalTime.within(java.time.Duration.between(x, y), tolerance.timePrecision());
    }
}
