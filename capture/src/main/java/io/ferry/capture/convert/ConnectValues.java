package io.ferry.capture.convert;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.core.types.CanonicalValues;
import io.ferry.core.types.ColumnType;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;

/**
 * A Debezium value, as its Connect schema and the column's canonical type describe it, into the
 * canonical JSON form. Time values use the encodings of {@code time.precision.mode=adaptive_time_microseconds}.
 */
final class ConnectValues {

    /** What Debezium puts in place of a PostgreSQL TOAST value the log left out. */
    static final String UNAVAILABLE = "__debezium_unavailable_value";
    private static final ByteBuffer UNAVAILABLE_BYTES = ByteBuffer.wrap(UNAVAILABLE.getBytes(java.nio.charset.StandardCharsets.UTF_8));

    private ConnectValues() {
    }

    /** Debezium's stand-in for an unchanged uuid[]: the name-based UUID of the placeholder's bytes, alone in a list. */
    private static final String UNAVAILABLE_UUID = java.util.UUID.nameUUIDFromBytes(UNAVAILABLE_BYTES.array()).toString();
    /** Debezium's stand-in for an unchanged hstore, as {@code hstore.handling.mode=json} renders it. */
    private static final String UNAVAILABLE_HSTORE = "{\"" + UNAVAILABLE + "\":\"" + UNAVAILABLE + "\"}";

    /**
     * True for Debezium's placeholder of a value the source's log did not carry, in each form Debezium gives it (its
     * {@code UnchangedToastedPlaceholder}): the text, its bytes, a list holding either (text and bytea arrays), the
     * placeholder's bytes as numbers (integer, bigint and date arrays), a list of one UUID (uuid arrays), and an hstore
     * mapping the text to itself. An integer array that holds exactly those 28 numbers is taken for one too.
     */
    static boolean unavailable(Object value) {
        if (value instanceof String s) {
            return s.equals(UNAVAILABLE) || s.equals(UNAVAILABLE_HSTORE);
        }
        if (value instanceof ByteBuffer b) {
            return b.equals(UNAVAILABLE_BYTES);
        }
        if (value instanceof byte[] b) {
            return ByteBuffer.wrap(b).equals(UNAVAILABLE_BYTES);
        }
        if (value instanceof Map<?, ?> m) {
            return m.size() == 1 && UNAVAILABLE.equals(m.get(UNAVAILABLE));
        }
        if (value instanceof List<?> l) {
            if (l.isEmpty()) {
                return false;
            }
            Object first = l.get(0);
            if (first instanceof Integer || first instanceof Long) {
                return placeholderCodes(l);
            }
            return unavailable(first) || l.size() == 1 && UNAVAILABLE_UUID.equals(String.valueOf(first));
        }
        return false;
    }

    /** Whether a list of numbers is the placeholder's bytes, one number each. */
    private static boolean placeholderCodes(List<?> l) {
        byte[] codes = UNAVAILABLE_BYTES.array();
        if (l.size() != codes.length) {
            return false;
        }
        for (int i = 0; i < codes.length; i++) {
            if (!(l.get(i) instanceof Integer || l.get(i) instanceof Long) || ((Number) l.get(i)).longValue() != codes[i]) {
                return false;
            }
        }
        return true;
    }

    static JsonNode canonical(Schema schema, ColumnType type, Object value) {
        return CanonicalValues.encode(type, javaValue(schema, type, value));
    }

    private static Object javaValue(Schema schema, ColumnType type, Object value) {
        if (value == null) {
            return null;
        }
        String name = schema.name() == null ? "" : schema.name();
        return switch (type.kind()) {
            case DATE -> date(((Number) value).intValue());
            case TIME -> switch (name) {
                case "io.debezium.time.Time" -> Duration.ofMillis(((Number) value).longValue());
                case "io.debezium.time.NanoTime" -> Duration.ofNanos(((Number) value).longValue());
                default -> Duration.ofNanos(Math.multiplyExact(((Number) value).longValue(), 1000L));
            };
            case TIMESTAMP -> switch (name) {
                case "io.debezium.time.Timestamp" -> localDateTime(((Number) value).longValue(), 1_000L);
                case "io.debezium.time.NanoTimestamp" -> localDateTime(((Number) value).longValue(), 1_000_000_000L);
                default -> localDateTime(((Number) value).longValue(), 1_000_000L);
            };
            case TIMESTAMPTZ -> zonedTimestamp((String) value);
            case TIMETZ -> OffsetTime.parse((String) value);
            case INTERVAL -> value instanceof Number micros
                    ? new io.ferry.core.types.Interval(0, 0, micros.longValue())
                    : io.ferry.core.types.Interval.parseRounding((String) value);
            case BIT -> value instanceof Boolean ? value : bits(value, type.length() == null ? 1 : type.length());
            case ARRAY -> array(schema, type, (List<?>) value);
            case UINT64 -> value instanceof java.math.BigDecimal d ? d.toBigIntegerExact() : value;
            case DECIMAL -> value instanceof String s ? specialNumber(s) : value;
            default -> value;
        };
    }

    /** Debezium writes PostgreSQL numeric's specials upper-case ({@code NAN}, {@code INFINITY}). */
    private static String specialNumber(String s) {
        return switch (s) {
            case "NAN" -> "NaN";
            case "INFINITY" -> "Infinity";
            case "-INFINITY" -> "-Infinity";
            default -> s;
        };
    }

    /*
     * PostgreSQL's infinities reach Debezium as the PostgreSQL driver's sentinels (PGStatement's
     * DATE_POSITIVE_INFINITY = 9223372036825200000 and DATE_NEGATIVE_INFINITY = -9223372036832400000 ms),
     * which Debezium passes on as ordinary numbers: read as microseconds for timestamps, and wrapped into
     * these two adjacent epoch days for dates. No real date or timestamp has these values (the timestamps
     * lie beyond PostgreSQL's range; the days fall in the year -5877611).
     */
    private static final int DATE_POSITIVE_INFINITY = -2147472692;
    private static final int DATE_NEGATIVE_INFINITY = -2147472691;
    /*
     * In a snapshot the values come through JDBC, and Debezium turns the driver's sentinel dates into epoch days of
     * the years -1701532 (infinity) and -1711471 (-infinity), give or take a day with the JVM's time zone. PostgreSQL
     * has no date before 4713 BC, so nothing real lies within a day of them.
     */
    private static final long SNAPSHOT_DATE_POSITIVE_INFINITY = -622_191_235L;
    private static final long SNAPSHOT_DATE_NEGATIVE_INFINITY = -625_821_273L;
    private static final long TIMESTAMP_POSITIVE_INFINITY = 9223372036825200000L;
    private static final long TIMESTAMP_NEGATIVE_INFINITY = -9223372036832400000L;

    private static Object date(int epochDay) {
        if (epochDay == DATE_POSITIVE_INFINITY || Math.abs(epochDay - SNAPSHOT_DATE_POSITIVE_INFINITY) <= 1) {
            return LocalDate.MAX;
        }
        if (epochDay == DATE_NEGATIVE_INFINITY || Math.abs(epochDay - SNAPSHOT_DATE_NEGATIVE_INFINITY) <= 1) {
            return LocalDate.MIN;
        }
        return LocalDate.ofEpochDay(epochDay);
    }

    /** {@code amount} units of {@code unitsPerSecond} since the epoch, as a wall-clock date-time. */
    private static LocalDateTime localDateTime(long amount, long unitsPerSecond) {
        if (amount == TIMESTAMP_POSITIVE_INFINITY || amount == Long.MAX_VALUE) {
            return LocalDateTime.MAX;
        }
        if (amount == TIMESTAMP_NEGATIVE_INFINITY || amount == Long.MIN_VALUE) {
            return LocalDateTime.MIN;
        }
        long seconds = Math.floorDiv(amount, unitsPerSecond);
        long nanos = Math.floorMod(amount, unitsPerSecond) * (1_000_000_000L / unitsPerSecond);
        return LocalDateTime.ofEpochSecond(seconds, (int) nanos, ZoneOffset.UTC);
    }

    private static Object zonedTimestamp(String text) {
        return switch (text) {
            case "infinity" -> Instant.MAX;
            case "-infinity" -> Instant.MIN;
            default -> OffsetDateTime.parse(text);
        };
    }

    /** Debezium's Bits: little-endian bytes of a bit string of the column's length. */
    private static String bits(Object value, int length) {
        byte[] bytes;
        if (value instanceof ByteBuffer b) {
            bytes = new byte[b.remaining()];
            b.duplicate().get(bytes);
        } else {
            bytes = (byte[]) value;
        }
        StringBuilder out = new StringBuilder(length);
        for (int i = length - 1; i >= 0; i--) {
            int byteIndex = i / 8;
            boolean set = byteIndex < bytes.length && (bytes[byteIndex] >> (i % 8) & 1) == 1;
            out.append(set ? '1' : '0');
        }
        return out.toString();
    }

    private static List<Object> array(Schema schema, ColumnType type, List<?> values) {
        List<Object> out = new ArrayList<>(values.size());
        for (Object v : values) {
            out.add(javaValue(schema.valueSchema(), type.elementType(), v));
        }
        return out;
    }

}
