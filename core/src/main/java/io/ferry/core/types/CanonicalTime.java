package io.ferry.core.types;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Formats and parses the canonical date and time strings (exactly 6 fractional digits). */
public final class CanonicalTime {

    /** PostgreSQL's infinite dates and timestamps. */
    public static final String INFINITY = "infinity";
    public static final String NEGATIVE_INFINITY = "-infinity";

    static final DateTimeFormatter LOCAL_DATE_TIME = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .appendLiteral('T')
            .appendValue(ChronoField.HOUR_OF_DAY, 2).appendLiteral(':')
            .appendValue(ChronoField.MINUTE_OF_HOUR, 2).appendLiteral(':')
            .appendValue(ChronoField.SECOND_OF_MINUTE, 2)
            .appendFraction(ChronoField.NANO_OF_SECOND, 6, 6, true)
            .toFormatter();

    private static final Pattern TIME = Pattern.compile("(-)?(\\d{2,}):([0-5]\\d):([0-5]\\d)(?:\\.(\\d{1,9}))?");

    private CanonicalTime() {
    }

    static String formatLocal(LocalDateTime t) {
        return LOCAL_DATE_TIME.format(t.truncatedTo(ChronoUnit.MICROS));
    }

    static String formatInstant(Instant t) {
        return formatLocal(LocalDateTime.ofInstant(t, java.time.ZoneOffset.UTC)) + "Z";
    }

    /** {@code [-]HH:MM:SS.ffffff} with hours of two or more digits. */
    static String formatDuration(Duration d) {
        Duration t = d.truncatedTo(ChronoUnit.MICROS);
        boolean negative = t.isNegative();
        Duration abs = t.abs();
        return String.format("%s%02d:%02d:%02d.%06d", negative ? "-" : "", abs.toHours(), abs.toMinutesPart(),
                abs.toSecondsPart(), abs.toNanosPart() / 1000);
    }

    static Duration parseDuration(String text) {
        Matcher m = TIME.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("TIME value must be [-]HH:MM:SS.ffffff, got \"" + text + "\"");
        }
        String fraction = m.group(5) == null ? "0" : (m.group(5) + "000000000").substring(0, 9);
        Duration d = Duration.ofHours(Long.parseLong(m.group(2)))
                .plusMinutes(Long.parseLong(m.group(3)))
                .plusSeconds(Long.parseLong(m.group(4)))
                .plusNanos(Long.parseLong(fraction));
        return m.group(1) != null ? d.negated() : d;
    }

    /**
     * The instant a canonical naive timestamp denotes in the source's time zone. In a daylight-saving
     * gap the time is moved forward by the gap; in an overlap the earlier offset is taken.
     */
    public static Instant naiveToInstant(String canonicalTimestamp, ZoneId sourceZone) {
        return switch (canonicalTimestamp) {
            case INFINITY -> Instant.MAX;
            case NEGATIVE_INFINITY -> Instant.MIN;
            default -> ZonedDateTime.of(LocalDateTime.parse(canonicalTimestamp), sourceZone).toInstant();
        };
    }
}
