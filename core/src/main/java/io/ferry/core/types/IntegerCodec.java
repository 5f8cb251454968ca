package io.ferry.core.types;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;

/** INT16, INT32, INT64 and UINT64: exact JSON integers, range-checked. */
final class IntegerCodec implements ValueCodec {

    static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private final CanonicalType type;
    private final BigInteger min;
    private final BigInteger max;

    private IntegerCodec(CanonicalType type, BigInteger min, BigInteger max) {
        this.type = type;
        this.min = min;
        this.max = max;
    }

    static IntegerCodec int16() {
        return new IntegerCodec(CanonicalType.INT16, BigInteger.valueOf(Short.MIN_VALUE), BigInteger.valueOf(Short.MAX_VALUE));
    }

    static IntegerCodec int32() {
        return new IntegerCodec(CanonicalType.INT32, BigInteger.valueOf(Integer.MIN_VALUE), BigInteger.valueOf(Integer.MAX_VALUE));
    }

    static IntegerCodec int64() {
        return new IntegerCodec(CanonicalType.INT64, BigInteger.valueOf(Long.MIN_VALUE), BigInteger.valueOf(Long.MAX_VALUE));
    }

    static IntegerCodec uint64() {
        return new IntegerCodec(CanonicalType.UINT64, BigInteger.ZERO, UINT64_MAX);
    }

    @Override
    public CanonicalType type() {
        return type;
    }

    @Override
    public JsonNode encode(Object value) {
        BigInteger v;
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            v = BigInteger.valueOf(((Number) value).longValue());
        } else if (value instanceof BigInteger b) {
            v = b;
        } else if (value instanceof BigDecimal d) {
            try {
                v = d.toBigIntegerExact();
            } catch (ArithmeticException e) {
                throw Codecs.wrongJava(type, value, "a whole number");
            }
        } else {
            throw Codecs.wrongJava(type, value, "an integral Number");
        }
        return node(v);
    }

    private JsonNode node(BigInteger v) {
        if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
            throw new IllegalArgumentException(type + " value " + v + " is outside " + min + ".." + max);
        }
        // One node class per magnitude keeps key bytes identical for equal values.
        return v.bitLength() < 64 ? Codecs.NODES.numberNode(v.longValue()) : Codecs.NODES.numberNode(v);
    }

    @Override
    public Object decode(JsonNode node) {
        if (!node.isIntegralNumber()) {
            throw Codecs.wrongJson(type, node);
        }
        BigInteger v = node.bigIntegerValue();
        node(v);
        return type == CanonicalType.UINT64 ? v : (Object) v.longValue();
    }

    @Override
    public boolean same(JsonNode a, JsonNode b, Tolerance tolerance) {
        if (!a.isIntegralNumber() || !b.isIntegralNumber()) {
            return a.equals(b);
        }
        BigInteger diff = a.bigIntegerValue().subtract(b.bigIntegerValue()).abs();
        return new BigDecimal(diff).compareTo(tolerance.numericAbsolute()) <= 0;
    }
}
