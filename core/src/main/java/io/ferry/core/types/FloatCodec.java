package io.ferry.core.types;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * FLOAT32 and FLOAT64: JSON numbers, written as the shortest decimal that reads back to the same
 * value (so a float's 0.1 is 0.1, not 0.10000000149011612); NaN and infinities as strings.
 */
final class FloatCodec implements ValueCodec {

    private final CanonicalType type;

    FloatCodec(CanonicalType type) {
        this.type = type;
    }

    @Override
    public CanonicalType type() {
        return type;
    }

    static String special(double d) {
        return Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity";
    }

    @Override
    public JsonNode encode(Object value) {
        if (!(value instanceof Float || value instanceof Double)) {
            throw Codecs.wrongJava(type, value, type == CanonicalType.FLOAT32 ? "Float" : "Double");
        }
        double d = ((Number) value).doubleValue();
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return Codecs.NODES.textNode(special(d));
        }
        if (type == CanonicalType.FLOAT32) {
            // The double nearest the float's shortest decimal, so 0.1f is written 0.1 (not 0.10000000149011612).
            return Codecs.NODES.numberNode(Double.parseDouble(Float.toString(((Number) value).floatValue())));
        }
        return Codecs.NODES.numberNode(d);
    }

    /** {@code Float} for FLOAT32, {@code Double} for FLOAT64. */
    @Override
    public Object decode(JsonNode node) {
        double d;
        if (node.isNumber()) {
            d = node.doubleValue();
        } else if (node.isTextual() && switch (node.textValue()) {
            case "NaN", "Infinity", "-Infinity" -> true;
            default -> false;
        }) {
            d = Double.parseDouble(node.textValue());
        } else {
            throw Codecs.wrongJson(type, node);
        }
        return type == CanonicalType.FLOAT32 ? (Object) (float) d : (Object) d;
    }

    @Override
    public boolean same(JsonNode a, JsonNode b, Tolerance tolerance) {
        double x = ((Number) decode(a)).doubleValue();
        double y = ((Number) decode(b)).doubleValue();
        if (Double.isNaN(x) || Double.isNaN(y) || Double.isInfinite(x) || Double.isInfinite(y)) {
            return Double.compare(x, y) == 0;
        }
        double diff = Math.abs(x - y);
        return diff == 0 || diff <= tolerance.numericAbsolute().doubleValue()
                || diff <= tolerance.floatRelative() * Math.max(Math.abs(x), Math.abs(y));
    }
}
