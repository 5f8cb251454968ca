package io.ferry.transform.expr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.ferry.core.types.CanonicalType;
import io.ferry.core.types.CanonicalValues;
import io.ferry.core.types.ColumnType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The value conversions behind {@link Casts#cast}: each target reads the canonical shapes that make
 * sense for it and returns null for the others, which {@link #cast} reports as "cannot cast".
 */
final class ValueCasts {

    private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    private static final Set<String> TRUE = Set.of("true", "t", "yes", "1");
    private static final Set<String> FALSE = Set.of("false", "f", "no", "0");
    private static final Set<String> SPECIAL_NUMBERS = Set.of("NaN", "Infinity", "-Infinity");
    private static final Pattern TIMETZ = Pattern.compile("\\d{2}:\\d{2}:\\d{2}\\.\\d{6}Z");
    private static final Pattern BITS = Pattern.compile("[01]*");
    private static final Pattern HEX32 = Pattern.compile("[0-9a-fA-F]{32}");

    private ValueCasts() {
    }

    static JsonNode cast(JsonNode value, CanonicalType target, ZoneId sourceZone) {
        if (Values.isNull(value)) {
            return NullNode.getInstance();
        }
        String reason = null;
        try {
            JsonNode out = convert(value, target, sourceZone);
            if (out != null) {
                return out;
            }
        } catch (ValueException | DateTimeException | ArithmeticException | IllegalArgumentException e) {
            reason = e.getMessage();
        }
        throw new EvaluationException("cannot cast " + Values.describe(value) + " to "
                + target.name().toLowerCase(Locale.ROOT) + (reason == null ? "" : ": " + reason));
    }

    private static JsonNode convert(JsonNode v, CanonicalType target, ZoneId sourceZone) {
        String s = v.isTextual() ? v.textValue() : null;
        switch (target) {
            case STRING:
            case ENUM:
                return Values.NODES.textNode(Values.text(v));
            case INT16:
                return integer(v, BigInteger.valueOf(Short.MIN_VALUE), BigInteger.valueOf(Short.MAX_VALUE));
            case INT32:
                return integer(v, BigInteger.valueOf(Integer.MIN_VALUE), BigInteger.valueOf(Integer.MAX_VALUE));
            case INT64:
                return integer(v, BigInteger.valueOf(Long.MIN_VALUE), BigInteger.valueOf(Long.MAX_VALUE));
            case UINT64:
                return integer(v, BigInteger.ZERO, UINT64_MAX);
            case DECIMAL:
            case MONEY:
                if (s != null && SPECIAL_NUMBERS.contains(s)) {
                    return target == CanonicalType.DECIMAL ? v : null;
                }
                BigDecimal d = decimal(v);
                return d == null ? null : Values.NODES.textNode(Values.plain(d));
            case FLOAT32:
            case FLOAT64:
                return floating(v, target == CanonicalType.FLOAT32);
            case BOOLEAN:
                return bool(v);
            case JSON:
                return json(v);
            case DATE:
            case TIMESTAMP:
            case TIMESTAMPTZ:
                return s == null ? null : temporal(Temporal.parse(s), target, sourceZone);
            case TIME:
                return s == null ? null : time(s);
            case UUID:
                return s == null ? null : uuid(s);
            case BYTES:
                return s == null ? null : Values.NODES.textNode(base64(s));
            case TIMETZ:
                return s != null && TIMETZ.matcher(s).matches() ? v : null;
            case INTERVAL:
                return s != null && (s.startsWith("P") || s.startsWith("-P")) ? v : null;
            case INET:
                return s != null ? v : null;
            case BIT:
                return s != null && BITS.matcher(s).matches() ? v : null;
            case ARRAY:
                return v.isArray() ? v : null;
            default:
                return null;
        }
    }

    private static JsonNode integer(JsonNode v, BigInteger min, BigInteger max) {
        BigInteger i;
        if (v.isBoolean()) {
            i = v.booleanValue() ? BigInteger.ONE : BigInteger.ZERO;
        } else {
            BigDecimal d = decimal(v);
            if (d == null) {
                return null;
            }
            try {
                i = d.toBigIntegerExact();
            } catch (ArithmeticException e) {
                throw new ValueException("not a whole number");
            }
        }
        if (i.compareTo(min) < 0 || i.compareTo(max) > 0) {
            throw new ValueException("out of range " + min + ".." + max);
        }
        return Values.integer(i);
    }

    /** A number or a numeric string as an exact decimal; null for other shapes. */
    private static BigDecimal decimal(JsonNode v) {
        if (v.isIntegralNumber()) {
            return new BigDecimal(v.bigIntegerValue());
        }
        if (v.isNumber()) {
            double d = v.doubleValue();
            return v.isBigDecimal() ? v.decimalValue() : Double.isFinite(d) ? Values.decimal(d) : null;
        }
        if (v.isTextual()) {
            BigDecimal d = Numbers.parseDecimal(v.textValue().strip());
            if (d == null) {
                throw new ValueException("not a number");
            }
            return d;
        }
        return null;
    }

    private static JsonNode floating(JsonNode v, boolean single) {
        if (v.isTextual() && SPECIAL_NUMBERS.contains(v.textValue())) {
            return v;
        }
        BigDecimal d = decimal(v);
        if (d == null) {
            return null;
        }
        double x = d.doubleValue();
        if (single) {
            float f = (float) x;
            if (Float.isInfinite(f)) {
                throw new ValueException("out of range for float32");
            }
            // The double nearest the float's shortest decimal, as the FLOAT32 canonical form asks.
            return Values.NODES.numberNode(Double.parseDouble(Float.toString(f)));
        }
        if (Double.isInfinite(x)) {
            throw new ValueException("out of range for float64");
        }
        return Values.NODES.numberNode(x);
    }

    private static JsonNode bool(JsonNode v) {
        if (v.isBoolean()) {
            return v;
        }
        if (v.isIntegralNumber()) {
            return Values.NODES.booleanNode(v.bigIntegerValue().signum() != 0);
        }
        if (v.isTextual()) {
            String s = v.textValue().strip().toLowerCase(Locale.ROOT);
            if (TRUE.contains(s) || FALSE.contains(s)) {
                return Values.NODES.booleanNode(TRUE.contains(s));
            }
        }
        return null;
    }

    /** JSON text stays as it is; a string that is not JSON becomes a JSON string; other values their JSON text. */
    private static JsonNode json(JsonNode v) {
        if (v.isTextual()) {
            String s = v.textValue();
            return JsonPaths.isJson(s) ? v : Values.NODES.textNode(JsonPaths.write(v));
        }
        return Values.NODES.textNode(v.isContainerNode() ? JsonPaths.write(v) : Values.text(v));
    }

    private static JsonNode temporal(Object t, CanonicalType target, ZoneId sourceZone) {
        if (t == null) {
            return null;
        }
        if (t instanceof String infinity) {
            return Values.NODES.textNode(infinity);
        }
        Instant instant;
        LocalDateTime local;
        if (t instanceof Instant i) {
            instant = i;
            local = null;
        } else {
            local = t instanceof LocalDate d ? d.atStartOfDay() : (LocalDateTime) t;
            instant = null;
        }
        switch (target) {
            case DATE:
                // A timestamptz's date is its UTC date; a naive timestamp's is its own.
                LocalDate date = local != null ? local.toLocalDate() : instant.atOffset(ZoneOffset.UTC).toLocalDate();
                return Temporal.formatDate(date);
            case TIMESTAMP:
                return Temporal.formatTimestamp(local != null ? local : LocalDateTime.ofInstant(instant, sourceZone));
            default:
                return Temporal.formatInstant(instant != null ? instant : Temporal.instant(local, sourceZone));
        }
    }

    private static JsonNode time(String s) {
        ColumnType time = ColumnType.of(CanonicalType.TIME);
        if (s.indexOf('-', 1) < 0 && s.indexOf('T') < 0 && s.indexOf(' ') < 0) {
            Duration d = (Duration) CanonicalValues.decode(time, Values.NODES.textNode(s));
            return CanonicalValues.encode(time, d);
        }
        Object t = Temporal.parse(s);
        if (t instanceof LocalDateTime local) {
            return CanonicalValues.encode(time, local.toLocalTime());
        }
        if (t instanceof Instant instant) {
            return CanonicalValues.encode(time, instant.atOffset(ZoneOffset.UTC).toLocalTime());
        }
        return null;
    }

    /** Bytes are the string's UTF-8 encoding. */
    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode uuid(String s) {
        String text = s;
        if (HEX32.matcher(s).matches()) {
            text = String.join("-", s.substring(0, 8), s.substring(8, 12), s.substring(12, 16), s.substring(16, 20),
                    s.substring(20));
        }
        if (text.length() != 36) {
            return null;
        }
        return Values.NODES.textNode(UUID.fromString(text).toString());
    }
}
