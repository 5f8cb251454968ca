package io.ferry.transform.expr;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.core.types.CanonicalTime;
import io.ferry.core.types.CanonicalType;
import io.ferry.core.types.CanonicalValues;
import io.ferry.core.types.ColumnType;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads date and timestamp strings (canonical ones and near-ISO variants: a space for 'T', fewer
 * fractional digits, an offset) and writes the canonical DATE, TIMESTAMP and TIMESTAMPTZ forms.
 */
final class Temporal {

    private static final Pattern DATE_TIME = Pattern.compile(
            "([+-]?\\d{4,})-(\\d{2})-(\\d{2})"
            + "(?:[T ](\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,9}))?)?\\s*(Z|z|[+-]\\d{2}(?::?\\d{2})?)?)?");

    private static final ColumnType DATE = ColumnType.of(CanonicalType.DATE);
    private static final ColumnType TIMESTAMP = ColumnType.of(CanonicalType.TIMESTAMP);
    private static final ColumnType TIMESTAMPTZ = ColumnType.of(CanonicalType.TIMESTAMPTZ);

    private Temporal() {
    }

    /**
     * A date or time string as a {@link LocalDate}, a naive {@link LocalDateTime}, or an
     * {@link Instant} (when it has a zone), or the string itself for "infinity" and "-infinity".
     *
     * @throws ValueException when the string is none of these
     */
    static Object read(String s) {
        Object t = parse(s);
        if (t == null) {
            throw new ValueException("cannot read " + Values.describe(s) + " as a date or timestamp");
        }
        return t;
    }

    /**
     * Like {@link #read}, but null when the string does not look like a date or timestamp.
     *
     * @throws ValueException when it looks like one but a field is out of range (February 30th)
     */
    static Object parse(String s) {
        if (isInfinity(s)) {
            return s;
        }
        Matcher m = DATE_TIME.matcher(s);
        if (!m.matches()) {
            return null;
        }
        try {
            LocalDate date = LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)));
            if (m.group(4) == null) {
                return date;
            }
            String fraction = m.group(7) == null ? "0" : (m.group(7) + "00000000").substring(0, 9);
            LocalTime time = LocalTime.of(Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
                    m.group(6) == null ? 0 : Integer.parseInt(m.group(6)), Integer.parseInt(fraction));
            LocalDateTime local = LocalDateTime.of(date, time);
            String zone = m.group(8);
            return zone == null ? local : local.toInstant(offset(zone));
        } catch (DateTimeException | NumberFormatException e) {
            throw new ValueException("invalid date or time " + Values.describe(s) + ": " + e.getMessage());
        }
    }

    static boolean isInfinity(String s) {
        return s.equals(CanonicalTime.INFINITY) || s.equals(CanonicalTime.NEGATIVE_INFINITY);
    }

    private static ZoneOffset offset(String zone) {
        if (zone.equalsIgnoreCase("Z")) {
            return ZoneOffset.UTC;
        }
        String digits = zone.replace(":", "");
        int hours = Integer.parseInt(digits.substring(1, 3));
        int minutes = digits.length() > 3 ? Integer.parseInt(digits.substring(3)) : 0;
        int sign = zone.startsWith("-") ? -1 : 1;
        return ZoneOffset.ofHoursMinutes(sign * hours, sign * minutes);
    }

    /** A naive timestamp as the instant it is in a zone (a DST gap moves forward, an overlap takes the earlier offset). */
    static Instant instant(LocalDateTime local, ZoneId zone) {
        return ZonedDateTime.of(local, zone).toInstant();
    }

    /**
     * The date of a value: a date as it is; a naive timestamp, interpreted in {@code sourceZone}, seen
     * in {@code zone}; an instant seen in {@code zone}. A null {@code zone} takes the date as the value
     * is written: a naive timestamp's own date, an instant's date in UTC. Infinities pass through.
     */
    static JsonNode date(String value, ZoneId zone, ZoneId sourceZone) {
        Object t = read(value);
        if (t instanceof String infinity) {
            return Values.NODES.textNode(infinity);
        }
        LocalDate date;
        if (t instanceof LocalDate d) {
            date = d;
        } else if (t instanceof LocalDateTime local) {
            date = zone == null ? local.toLocalDate()
                    : instant(local, sourceZone).atZone(zone).toLocalDate();
        } else {
            date = ((Instant) t).atZone(zone == null ? ZoneOffset.UTC : zone).toLocalDate();
        }
        return formatDate(date);
    }

    static JsonNode formatDate(LocalDate date) {
        return CanonicalValues.encode(DATE, date);
    }

    /** Exactly 6 fractional digits (finer digits are truncated, as the canonical form does). */
    static JsonNode formatTimestamp(LocalDateTime local) {
        return CanonicalValues.encode(TIMESTAMP, local);
    }

    static JsonNode formatInstant(Instant instant) {
        return CanonicalValues.encode(TIMESTAMPTZ, instant);
    }
}
