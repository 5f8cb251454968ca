package io.ferry.sinks.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.core.types.ColumnType;

/**
 * Whether a canonical value fits a bounded mapped type: a {@code smallint} or {@code integer}'s range, a decimal's
 * precision and scale, a string's length in characters. A source value always fits its own column's type, so a value
 * that does not fit its mapped type was read after the source column was widened, and the sink has not read the widened
 * shape yet ({@link ShapeWait}). Written then, PostgreSQL's {@code numeric(10,2)} would round {@code 1.2345} without an
 * error, and a longer string or a larger integer would be refused and dead-lettered.
 *
 * <p>A value of the wrong JSON kind, or a special decimal ({@code NaN}), fits: the sink's own refusal names those.
 */
final class ValueFit {

    private ValueFit() {
    }

    /** Whether some value of the canonical kind could fail to fit the type. */
    static boolean bounded(ColumnType type) {
        return switch (type.kind()) {
            case INT16, INT32 -> true;
            case DECIMAL -> type.precision() != null && type.precision() > 0 && (type.scale() == null
                    || (type.scale() >= 0 && type.scale() <= type.precision()));
            case STRING -> type.length() != null && type.length() > 0;
            default -> false;
        };
    }

    /** A {@code smallint} or {@code integer}, whose range every sink converts to. */
    static boolean integer(ColumnType type) {
        return type.kind() == io.ferry.core.types.CanonicalType.INT16 || type.kind() == io.ferry.core.types.CanonicalType.INT32;
    }

    static boolean fits(ColumnType type, JsonNode value) {
        if (value == null || value.isNull()) {
            return true;
        }
        return switch (type.kind()) {
            case INT16 -> !value.isIntegralNumber() || (value.canConvertToInt() && value.intValue() >= Short.MIN_VALUE
                    && value.intValue() <= Short.MAX_VALUE);
            case INT32 -> !value.isIntegralNumber() || value.canConvertToInt();
            case DECIMAL -> !value.isTextual() || decimalFits(value.textValue(), type.precision(),
                    type.scale() == null ? 0 : type.scale());
            case STRING -> !value.isTextual() || withinCharacters(value.textValue(), type.length());
            default -> true;
        };
    }

    private static boolean withinCharacters(String s, int length) {
        // no more UTF-16 units than the bound is no more characters either (a character is one or two units)
        return s.length() <= length || s.codePointCount(0, s.length()) <= length;
    }

    /**
     * Whether a plain decimal string ({@code "-12.50"}) has at most {@code precision - scale} digits before the point
     * (leading zeros aside) and at most {@code scale} after it (trailing zeros aside); anything else (exponents,
     * {@code NaN}) fits.
     */
    private static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }

    static boolean decimalFits(String s, int precision, int scale) {
        int i = 0;
        int n = s.length();
        if (i < n && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
            i++;
        }
        while (i < n && s.charAt(i) == '0') {
            i++;
        }
        int integers = 0;
        while (i < n && digit(s.charAt(i))) {
            integers++;
            i++;
        }
        int fraction = 0;
        if (i < n && s.charAt(i) == '.') {
            i++;
            int lastNonZero = 0;
            int digits = 0;
            while (i < n && digit(s.charAt(i))) {
                digits++;
                if (s.charAt(i) != '0') {
                    lastNonZero = digits;
                }
                i++;
            }
            fraction = lastNonZero;
        }
        if (i != n) {
            return true; // not a plain decimal: the sink's own check names it
        }
        return integers <= precision - scale && fraction <= scale;
    }
}
