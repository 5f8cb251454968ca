package io.ferry.core.types;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/** TIMETZ: the time of day moved to UTC, {@code HH:MM:SS.ffffffZ}; decodes to an {@link OffsetTime} in UTC. */
final class TimeTzCodec implements ValueCodec {

    @Override
    public CanonicalType type() {
        return CanonicalType.TIMETZ;
    }

    @Override
    public JsonNode encode(Object value) {
        if (value instanceof OffsetTime t) {
            OffsetTime utc = t.withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
            return Codecs.NODES.textNode(String.format("%02d:%02d:%02d.%06dZ", utc.getHour(), utc.getMinute(),
                    utc.getSecond(), utc.getNano() / 1000));
        }
        throw Codecs.wrongJava(type(), value, "OffsetTime");
    }

    @Override
    public Object decode(JsonNode node) {
        try {
            return OffsetTime.parse(Codecs.text(type(), node)).withOffsetSameInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw Codecs.wrongJson(type(), node);
        }
    }

    @Override
    public boolean same(JsonNode a, JsonNode b, Tolerance tolerance) {
        OffsetTime x = (OffsetTime) decode(a);
        OffsetTime y = (OffsetTime) decode(b);
        // times of day: 23:59:59.6 and 00:00:00 are 0.4 s apart across midnight
        long d = Math.abs(x.toLocalTime().toNanoOfDay() - y.toLocalTime().toNanoOfDay());
        long day = java.time.Duration.ofDays(1).toNanos();
        return x.getOffset().equals(y.getOffset())
                && CanonicalTime.within(java.time.Duration.ofNanos(Math.min(d, day - d)), tolerance.timePrecision());
    }
}
