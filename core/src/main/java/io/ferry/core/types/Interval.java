package io.ferry.core.types;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PostgreSQL interval: months, days and microseconds kept apart (a month is not 30 days, a day is not
 * always 24 hours). Its canonical text is the ISO-8601 form of PostgreSQL's {@code iso_8601} style,
 * each field carrying its own sign and seconds without trailing zeros: {@code P1Y2M3DT4H5M6.000007S},
 * {@code PT6.5S}, {@code P-1M}, {@code PT0S}.
 */
public record Interval(int months, int days, long micros) {

    private static final Pattern ISO = Pattern.compile(
            "P(?:(-?\\d+)Y)?(?:(-?\\d+)M)?(?:(-?\\d+)D)?(?:T(?:(-?\\d+)H)?(?:(-?\\d+)M)?(?:(-?\\d+)(?:\\.(\\d{1,6}))?S)?)?");

    public String toIso() {
        StringBuilder s = new StringBuilder("P");
        int years = months / 12;
        int monthPart = months % 12;
        if (years != 0) {
            s.append(years).append('Y');
        }
        if (monthPart != 0) {
            s.append(monthPart).append('M');
        }
        if (days != 0) {
            s.append(days).append('D');
        }
        if (micros != 0) {
            s.append('T');
            long abs = Math.abs(micros);
            String sign = micros < 0 ? "-" : "";
            long hours = abs / 3_600_000_000L;
            long minutes = abs / 60_000_000L % 60;
            long seconds = abs / 1_000_000L % 60;
            long fraction = abs % 1_000_000L;
            if (hours != 0) {
                s.append(sign).append(hours).append('H');
            }
            if (minutes != 0) {
                s.append(sign).append(minutes).append('M');
            }
            if (seconds != 0 || fraction != 0) {
                s.append(sign).append(seconds);
                if (fraction != 0) {
                    s.append('.').append(String.format("%06d", fraction).replaceAll("0+$", ""));
                }
                s.append('S');
            }
        }
        return s.length() == 1 ? "PT0S" : s.toString();
    }

    public static Interval parseIso(String text) {
        Matcher m = ISO.matcher(text);
        if (text.equals("P") || text.endsWith("T") || !m.matches()) {
            throw new IllegalArgumentException("INTERVAL value must be an ISO-8601 duration like P1Y2M3DT4H5M6.000007S, got \"" + text + "\"");
        }
        int months = group(m, 1) * 12 + group(m, 2);
        int days = group(m, 3);
        long micros;
        try {
            micros = Math.addExact(Math.addExact(Math.multiplyExact(longGroup(m, 4), 3_600_000_000L),
                    Math.multiplyExact(longGroup(m, 5), 60_000_000L)), Math.multiplyExact(longGroup(m, 6), 1_000_000L));
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("INTERVAL value " + text + " is beyond PostgreSQL's range");
        }
        if (m.group(7) != null) {
            long fraction = Long.parseLong((m.group(7) + "00000").substring(0, 6));
            micros = m.group(6).startsWith("-") ? Math.subtractExact(micros, fraction) : Math.addExact(micros, fraction);
        }
        return new Interval(months, days, micros);
    }

    /**
     * As {@link #parseIso}, also accepting more than six fractional digits of a second, rounded half-up to the
     * microsecond: Debezium renders a streamed PostgreSQL interval's seconds through a double
     * ({@code PT1.238999999S} for 1.239 s), and PostgreSQL intervals hold microseconds.
     */
    public static Interval parseRounding(String text) {
        Matcher m = LONG_FRACTION.matcher(text);
        if (!m.matches()) {
            return parseIso(text);
        }
        String head = m.group(1);
        long nanos = Long.parseLong((m.group(2) + "00").substring(0, 9));
        long fractionMicros = (nanos + 500) / 1000;
        Interval whole = parseIso(head + "S");
        long micros = isNegativeSeconds(head) ? whole.micros() - fractionMicros : whole.micros() + fractionMicros;
        return new Interval(whole.months(), whole.days(), micros);
    }

    private static final Pattern LONG_FRACTION = Pattern.compile("(.*\\d)\\.(\\d{7,})S");

    private static boolean isNegativeSeconds(String head) {
        int i = head.length() - 1;
        while (i >= 0 && Character.isDigit(head.charAt(i))) {
            i--;
        }
        return i >= 0 && head.charAt(i) == '-';
    }

    private static long longGroup(Matcher m, int i) {
        return m.group(i) == null ? 0 : Long.parseLong(m.group(i));
    }

    private static int group(Matcher m, int i) {
        return m.group(i) == null ? 0 : Integer.parseInt(m.group(i));
    }
}
