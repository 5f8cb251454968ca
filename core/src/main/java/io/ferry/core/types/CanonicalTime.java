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
        int year = t.getYear();
        if (year < 0 || year > 9999) {
            return LOCAL_DATE_TIME.format(t.truncatedTo(ChronoUnit.MICROS));
        }
        // the formatter's output for years 0..9999, written directly: it was a visible share of capture's time per change
        char[] c = new char[26];
        digits(c, 0, year, 4);
        c[4] = '-';
        digits(c, 5, t.getMonthValue(), 2);
        c[7] = '-';
        digits(c, 8, t.getDayOfMonth(), 2);
        c[10] = 'T';
        digits(c, 11, t.getHour(), 2);
        c[13] = ':';
        digits(c, 14, t.getMinute(), 2);
        c[16] = ':';
        digits(c, 17, t.getSecond(), 2);
        c[19] = '.';
        digits(c, 20, t.getNano() / 1000, 6);
        return new String(c);
    }

    private static void digits(char[] c, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            c[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    static String formatInstant(Instant t) {
        return formatLocal(LocalDateTime.ofInstant(t, java.time.ZoneOffset.UTC)) + "Z";
    }

    /** {@code [-]HH:MM:SS.ffffff} with hours of two or more digits. */
    /**
     * Whether two times lie less than one {@code unit} apart: a tolerance of {@code 1s} accepts a target that rounds to
     * whole seconds as well as one that truncates (compared truncated, a rounded 10:00:00.6 was 10:00:01 against the
     * source's 10:00:00, a difference in every pass). At the canonical microseconds it is equality.
     */
    static boolean within(Duration difference, java.time.temporal.ChronoUnit unit) {
        return difference.abs().compareTo(unit.getDuration()) < 0;
    }

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
     * The instant a canonical naive timestamp denotes in the source's time zone ({@link #naiveInstant}).
     *
     * @throws IllegalArgumentException for a time the zone skips
     */
    public static Instant naiveToInstant(String canonicalTimestamp, ZoneId sourceZone) {
        return switch (canonicalTimestamp) {
            case INFINITY -> Instant.MAX;
            case NEGATIVE_INFINITY -> Instant.MIN;
            default -> naiveInstant(LocalDateTime.parse(canonicalTimestamp), sourceZone, "source.time_zone");
        };
    }

    /**
     * The instant a naive date-time denotes in a zone, for a target that stores naive timestamps as instants (Cassandra,
     * MongoDB: their {@code naive_time_zone}, which should be the source's). In an overlap the earlier offset is taken (the time reads back the same). A time
     * the zone skips (a daylight-saving gap: 02:30 on the spring's change in Europe/Berlin) has no instant: before
     * session 32 it was moved forward by the gap, so it read back an hour later, and a row that really was an hour later
     * got the same stored value (as a key, the two rows became one).
     *
     * @throws IllegalArgumentException for a time the zone skips; the record is dead-lettered with the reason
     */
    public static Instant naiveInstant(LocalDateTime time, ZoneId zone, String setting) {
        if (zone.getRules().getValidOffsets(time).isEmpty()) {
            throw new IllegalArgumentException(time + " does not exist in " + setting + " " + zone + " (its clocks skip it: a"
                    + " daylight-saving gap), so it has no instant for a target that stores timestamps as instants; if the"
                    + " source's values were not written in that zone, set " + setting + " to the zone they were (UTC?)");
        }
        return ZonedDateTime.of(time, zone).toInstant();
    }
}
