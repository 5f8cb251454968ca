package io.ferry.core.types;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** DATE: ISO-8601; PostgreSQL's infinities as {@code "infinity"}/{@code "-infinity"} ↔ {@code LocalDate.MAX/MIN}. */
final class DateCodec implements ValueCodec {

    @Override
    public CanonicalType type() {
        return CanonicalType.DATE;
    }

    @Override
    public JsonNode encode(Object value) {
        if (value instanceof LocalDate d) {
            String text = d.equals(LocalDate.MAX) ? CanonicalTime.INFINITY
                    : d.equals(LocalDate.MIN) ? CanonicalTime.NEGATIVE_INFINITY
                    : DateTimeFormatter.ISO_LOCAL_DATE.format(d);
            return Codecs.NODES.textNode(text);
        }
        throw Codecs.wrongJava(type(), value, "LocalDate");
    }

    @Override
    public Object decode(JsonNode node) {
        String s = Codecs.text(type(), node);
        return switch (s) {
            case CanonicalTime.INFINITY -> LocalDate.MAX;
            case CanonicalTime.NEGATIVE_INFINITY -> LocalDate.MIN;
            default -> {
                try {
                    yield LocalDate.parse(s);
                } catch (DateTimeParseException e) {
                    throw Codecs.wrongJson(type(), node);
                }
            }
        };
    }

    @Override
    public boolean same(JsonNode a, JsonNode b, Tolerance tolerance) {
        return decode(a).equals(decode(b));
    }
}
