package io.ferry.transform.expr;

import com.fasterxml.jackson.core.io.NumberOutput;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * What every operator needs to know about values: their text, their canonical form, how they
 * compare, and how to name them in messages. While evaluating, an exact decimal is a DecimalNode
 * (so 1.5 compares as a number); {@link #canonical} turns it into the canonical DECIMAL string.
 */
final class Values {

    /** Builds result nodes; exact decimals are made with DecimalNode.valueOf, which keeps their scale. */
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static final int DESCRIBE_LIMIT = 60;

    private Values() {
    }

    static boolean isNull(JsonNode v) {
        return v == null || v.isNull() || v.isMissingNode();
    }

    /**
     * The text of a value as concat and {@code ||} use it: strings as they are, numbers in plain
     * notation (doubles in their shortest form), booleans true/false, objects and arrays as JSON text.
     */
    static String text(JsonNode v) {
        if (v.isTextual()) {
            return v.textValue();
        }
        if (v.isBigDecimal()) {
            return plain(v.decimalValue());
        }
        if (v.isIntegralNumber()) {
            return v.bigIntegerValue().toString();
        }
        if (v.isFloatingPointNumber()) {
            return doubleText(v.doubleValue());
        }
        if (v.isBoolean()) {
            return v.booleanValue() ? "true" : "false";
        }
        return JsonPaths.write(v);
    }

    /** A double's shortest text, and FLOAT64's canonical "NaN", "Infinity", "-Infinity". */
    static String doubleText(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        return NumberOutput.toString(d, true);
    }

    /**
     * A decimal without exponent, as the canonical DECIMAL form has it; a number from JSON text with an
     * absurd exponent (1e999999999) keeps its exponent rather than growing to a billion digits.
     */
    static String plain(BigDecimal d) {
        return Math.abs((long) d.scale()) <= Numbers.MAX_SCALE ? d.toPlainString() : d.toString();
    }

    /** A finite double as the exact decimal of its shortest text (0.1 is 0.1, not 0.1000000000000000055...). */
    static BigDecimal decimal(double d) {
        return new BigDecimal(NumberOutput.toString(d, true));
    }

    /**
     * The canonical JSON form of an evaluation result: exact decimals become DECIMAL strings,
     * non-finite doubles their FLOAT64 strings, integers a long (or a big integer beyond a long).
     */
    static JsonNode canonical(JsonNode v) {
        if (isNull(v)) {
            return NullNode.getInstance();
        }
        if (v.isBigDecimal()) {
            return NODES.textNode(plain(v.decimalValue()));
        }
        if (v.isIntegralNumber()) {
            return integer(v.bigIntegerValue());
        }
        if (v.isFloatingPointNumber()) {
            double d = v.doubleValue();
            return Double.isNaN(d) || Double.isInfinite(d) ? NODES.textNode(doubleText(d)) : NODES.numberNode(d);
        }
        return v;
    }

    /** An integer node of the class Row uses for its size, so equal values are equal nodes. */
    static JsonNode integer(BigInteger v) {
        return v.bitLength() < 64 ? NODES.numberNode(v.longValue()) : NODES.numberNode(v);
    }

    /**
     * Compares two non-null values: numbers numerically (a string next to a number is read as a
     * decimal), two strings by their characters (canonical dates and timestamps sort correctly that
     * way), booleans with false before true. Objects and arrays only compare as equal or not.
     *
     * @throws ValueException when the values cannot be compared
     */
    static int compare(JsonNode a, JsonNode b) {
        if (a.isNumber() || b.isNumber()) {
            if ((a.isNumber() || a.isTextual()) && (b.isNumber() || b.isTextual())) {
                return Numbers.compare(a, b);
            }
        } else if (a.isTextual() && b.isTextual()) {
            return a.textValue().compareTo(b.textValue());
        } else if (a.isBoolean() && b.isBoolean()) {
            return Boolean.compare(a.booleanValue(), b.booleanValue());
        }
        throw new ValueException("cannot compare " + describe(a) + " with " + describe(b));
    }

    /** Equality as {@code =} sees it: like {@link #compare}, and objects/arrays by their JSON content. */
    static boolean equal(JsonNode a, JsonNode b) {
        if (a.isContainerNode() && b.isContainerNode()) {
            return a.equals(b);
        }
        return compare(a, b) == 0;
    }

    /** A value as error messages show it: strings in single quotes, others as JSON, long ones cut. */
    static String describe(JsonNode v) {
        if (isNull(v)) {
            return "null";
        }
        return v.isTextual() ? describe(v.textValue()) : abbreviate(text(v));
    }

    static String describe(String s) {
        return "'" + abbreviate(s) + "'";
    }

    private static String abbreviate(String s) {
        return s.length() > DESCRIBE_LIMIT ? s.substring(0, DESCRIBE_LIMIT - 3) + "..." : s;
    }
}
