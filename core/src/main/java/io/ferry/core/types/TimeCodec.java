package io.ferry.core.types;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.LocalTime;

/**
 * TIME: {@code [-]HH:MM:SS.ffffff}. A time of day (PostgreSQL, up to {@code 24:00:00}) and MySQL's
 * signed TIME duration (up to ±838:59:59) share the form; decodes to {@link Duration}.
 */
final class TimeCodec implements ValueCodec {

    @Override
    public CanonicalType type() {
        return CanonicalType.TIME;
    }

    @Override
    public JsonNode encode(Object value) {
        if (value instanceof LocalTime t) {
            return Codecs.NODES.textNode(CanonicalTime.formatDuration(Duration.ofNanos(t.toNanoOfDay())));
        }
        if (value instanceof Duration d) {
            return Codecs.NODES.textNode(CanonicalTime.formatDuration(d));
        }
        throw Codecs.wrongJava(type(), value, "LocalTime or Duration");
    }

    @Override
    public Object decode(JsonNode node) {
        return CanonicalTime.parseDuration(Codecs.text(type(), node));
    }

    @Override
    public boolean same(JsonNode a, JsonNode b, Tolerance tolerance) {
        Duration x = (Duration) decode(a);
        Duration y = (Duration) decode(b);
        return CanonicalTime.within(x.minus(y), tolerance.timePrecision());
    }
}
