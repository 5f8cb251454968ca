package io.ferry.core.types;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * DECIMAL and MONEY: the exact decimal as a string, keeping the source's scale ({@code "12.50"} stays
 * {@code "12.50"}); PostgreSQL numeric's NaN and infinities as {@code "NaN"}, {@code "Infinity"},
 * {@code "-Infinity"}. Compared by value, so {@code "12.5"} and {@code "12.50"} are the same.
 */
final class DecimalCodec implements ValueCodec {

    private final CanonicalType type;

    DecimalCodec(CanonicalType type) {
        this.type = type;
    }

    @Override
    public CanonicalType type() {
        return type;
    }

    @Override
    public JsonNode encode(Object value) {
        if (value instanceof BigDecimal d) {
            return Codecs.NODES.textNode(d.toPlainString());
        }
        if (value instanceof BigInteger || value instanceof Long || value instanceof Integer || value instanceof Short) {
            return Codecs.NODES.textNode(value.toString());
        }
        if (type == CanonicalType.DECIMAL && value instanceof Double d && (d.isNaN() || d.isInfinite())) {
            return Codecs.NODES.textNode(FloatCodec.special(d));
        }
        if (value instanceof String s) {
            return Codecs.NODES.textNode(parse(s).map(BigDecimal::toPlainString).orElse(s));
        }
        throw Codecs.wrongJava(type, value, "BigDecimal");
    }

    /** Empty for the special values, which only DECIMAL has. */
    private java.util.Optional<BigDecimal> parse(String s) {
        if (type == CanonicalType.DECIMAL && (s.equals("NaN") || s.equals("Infinity") || s.equals("-Infinity"))) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(new BigDecimal(s));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(type + " value must be " + type.canonicalForm() + ", got \"" + s + "\"");
        }
    }

    /** {@code BigDecimal}, or a {@code Double} NaN / infinity for the special values. */
    @Override
    public Object decode(JsonNode node) {
        String s = Codecs.text(type, node);
        return parse(s).<Object>map(d -> d).orElseGet(() -> switch (s) {
            case "NaN" -> Double.NaN;
            case "Infinity" -> Double.POSITIVE_INFINITY;
            default -> Double.NEGATIVE_INFINITY;
        });
    }

    @Override
    public boolean same(JsonNode a, JsonNode b, Tolerance tolerance) {
        Object x = decode(a);
        Object y = decode(b);
        if (x instanceof BigDecimal dx && y instanceof BigDecimal dy) {
            return dx.subtract(dy).abs().compareTo(tolerance.numericAbsolute()) <= 0;
        }
        return x.equals(y);
    }
}
