package io.ferry.transform.expr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;

/**
 * Arithmetic and numeric comparison on canonical values. Integers stay exact (long, BigInteger past
 * a long's range); a string operand is read as a decimal, since DECIMAL values are strings; any
 * decimal operand makes the result an exact decimal; any floating-point operand makes it a double.
 * Integer division truncates toward zero as SQL's does; dividing by zero is an error except for
 * doubles, which follow IEEE 754 (Infinity, NaN).
 */
final class Numbers {

    /** Digits kept when a decimal quotient does not terminate (1/3). */
    private static final MathContext DIVISION = MathContext.DECIMAL128;

    /** PostgreSQL numeric holds up to 131072 digits before the point and 16383 after. */
    static final int MAX_SCALE = 200_000;

    private Numbers() {
    }

    /**
     * A value as a number: a Long, BigInteger, BigDecimal or Double. The strings "NaN", "Infinity"
     * and "-Infinity" (DECIMAL's and FLOAT's special values) are doubles.
     *
     * @throws ValueException when the value is not a number or a numeric string
     */
    static Number read(JsonNode v) {
        if (v.isIntegralNumber()) {
            return v.canConvertToLong() ? (Number) v.longValue() : v.bigIntegerValue();
        }
        if (v.isBigDecimal()) {
            return v.decimalValue();
        }
        if (v.isFloatingPointNumber()) {
            return v.doubleValue();
        }
        if (v.isTextual()) {
            String s = v.textValue();
            switch (s) {
                case "NaN":
                    return Double.NaN;
                case "Infinity":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity":
                    return Double.NEGATIVE_INFINITY;
                default:
                    BigDecimal d = parseDecimal(s);
                    if (d != null) {
                        return d;
                    }
            }
        }
        throw new ValueException("cannot read " + Values.describe(v) + " as a number");
    }

    /**
     * A decimal's text as a BigDecimal, or null if it is not one. Exponents beyond what any database
     * decimal holds are refused, so a value like "1e999999999" cannot make arithmetic build a
     * billion-digit number.
     */
    static BigDecimal parseDecimal(String s) {
        try {
            BigDecimal d = new BigDecimal(s);
            return Math.abs((long) d.scale()) <= MAX_SCALE ? d : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The number as an evaluation value: an integer node, a DecimalNode or a double node. */
    static JsonNode node(Number n) {
        if (n instanceof Long l) {
            return Values.NODES.numberNode(l);
        }
        if (n instanceof BigInteger b) {
            return Values.integer(b);
        }
        if (n instanceof BigDecimal d) {
            return DecimalNode.valueOf(d);
        }
        return Values.NODES.numberNode(n.doubleValue());
    }

    static JsonNode apply(Operator op, JsonNode left, JsonNode right) {
        Number a = read(left);
        Number b = read(right);
        if (a instanceof Double || b instanceof Double) {
            return node(doubles(op, a.doubleValue(), b.doubleValue()));
        }
        if (a instanceof BigDecimal || b instanceof BigDecimal) {
            return node(decimals(op, decimal(a), decimal(b)));
        }
        if (a instanceof Long x && b instanceof Long y) {
            Number exact = longs(op, x, y);
            if (exact != null) {
                return node(exact);
            }
        }
        return node(integers(op, integer(a), integer(b)));
    }

    static JsonNode negate(JsonNode value) {
        Number n = read(value);
        if (n instanceof Long l) {
            return l == Long.MIN_VALUE ? node(BigInteger.valueOf(l).negate()) : node(-l);
        }
        if (n instanceof BigInteger b) {
            return node(b.negate());
        }
        if (n instanceof BigDecimal d) {
            return node(d.negate());
        }
        return node(-n.doubleValue());
    }

    /** Compares numerically; doubles that are not finite compare by their IEEE order (NaN last). */
    static int compare(JsonNode left, JsonNode right) {
        Number a = read(left);
        Number b = read(right);
        if (a instanceof Double x && !Double.isFinite(x) || b instanceof Double y && !Double.isFinite(y)) {
            return Double.compare(a.doubleValue(), b.doubleValue());
        }
        return decimal(a).compareTo(decimal(b));
    }

    private static double doubles(Operator op, double a, double b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case MOD -> a % b;
            default -> throw new IllegalStateException(op + " is not arithmetic");
        };
    }

    private static BigDecimal decimals(Operator op, BigDecimal a, BigDecimal b) {
        switch (op) {
            case ADD:
                return a.add(b);
            case SUB:
                return a.subtract(b);
            case MUL:
                return a.multiply(b);
            case DIV:
                requireNonZero(b.signum());
                try {
                    return a.divide(b);
                } catch (ArithmeticException nonTerminating) {
                    return a.divide(b, DIVISION).stripTrailingZeros();
                }
            case MOD:
                requireNonZero(b.signum());
                return a.remainder(b);
            default:
                throw new IllegalStateException(op + " is not arithmetic");
        }
    }

    /** The exact long result, or null when it overflows. */
    private static Number longs(Operator op, long a, long b) {
        try {
            switch (op) {
                case ADD:
                    return Math.addExact(a, b);
                case SUB:
                    return Math.subtractExact(a, b);
                case MUL:
                    return Math.multiplyExact(a, b);
                case DIV:
                    requireNonZero(b);
                    return a == Long.MIN_VALUE && b == -1 ? null : a / b;
                case MOD:
                    requireNonZero(b);
                    return a % b;
                default:
                    throw new IllegalStateException(op + " is not arithmetic");
            }
        } catch (ArithmeticException overflow) {
            return null;
        }
    }

    private static BigInteger integers(Operator op, BigInteger a, BigInteger b) {
        return switch (op) {
            case ADD -> a.add(b);
            case SUB -> a.subtract(b);
            case MUL -> a.multiply(b);
            case DIV -> {
                requireNonZero(b.signum());
                yield a.divide(b);
            }
            case MOD -> {
                requireNonZero(b.signum());
                yield a.remainder(b);
            }
            default -> throw new IllegalStateException(op + " is not arithmetic");
        };
    }

    private static void requireNonZero(long divisor) {
        if (divisor == 0) {
            throw new ValueException("division by zero");
        }
    }

    private static BigDecimal decimal(Number n) {
        if (n instanceof BigDecimal d) {
            return d;
        }
        if (n instanceof BigInteger b) {
            return new BigDecimal(b);
        }
        if (n instanceof Double d) {
            return Values.decimal(d);
        }
        return BigDecimal.valueOf(n.longValue());
    }

    private static BigInteger integer(Number n) {
        return n instanceof BigInteger b ? b : BigInteger.valueOf(n.longValue());
    }
}
