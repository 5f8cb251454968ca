package io.ferry.core.types;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.EnumMap;
import java.util.Map;

/**
 * Entry point to the codecs: encode a Java value to its canonical form, decode it for a sink, and
 * compare two canonical values as validation does. SQL NULL is JSON null for every type.
 */
public final class CanonicalValues {

    private static final Map<CanonicalType, ValueCodec> CODECS = new EnumMap<>(CanonicalType.class);

    static {
        register(new BooleanCodec());
        register(IntegerCodec.int16());
        register(IntegerCodec.int32());
        register(IntegerCodec.int64());
        register(IntegerCodec.uint64());
        register(new DecimalCodec(CanonicalType.DECIMAL));
        register(new DecimalCodec(CanonicalType.MONEY));
        register(new FloatCodec(CanonicalType.FLOAT32));
        register(new FloatCodec(CanonicalType.FLOAT64));
        register(new TextCodec(CanonicalType.STRING));
        register(new TextCodec(CanonicalType.ENUM));
        register(new TextCodec(CanonicalType.INET));
        register(new JsonCodec());
        register(new BytesCodec());
        register(new UuidCodec());
        register(new DateCodec());
        register(new TimeCodec());
        register(new TimeTzCodec());
        register(new TimestampCodec());
        register(new TimestampTzCodec());
        register(new IntervalCodec());
        register(new BitCodec());
    }

    private CanonicalValues() {
    }

    private static void register(ValueCodec codec) {
        CODECS.put(codec.type(), codec);
    }

    /** The codec of a column type (an array's codec carries its element type). */
    public static ValueCodec codec(ColumnType type) {
        if (type.kind() == CanonicalType.ARRAY) {
            return new ArrayCodec(type.elementType());
        }
        return CODECS.get(type.kind());
    }

    public static JsonNode encode(ColumnType type, Object value) {
        return value == null ? NullNode.getInstance() : codec(type).encode(value);
    }

    public static Object decode(ColumnType type, JsonNode node) {
        return node == null || node.isNull() ? null : codec(type).decode(node);
    }

    /** Whether two canonical values are the same within the tolerance; two NULLs are the same. */
    public static boolean same(ColumnType type, JsonNode a, JsonNode b, Tolerance tolerance) {
        boolean aNull = a == null || a.isNull();
        boolean bNull = b == null || b.isNull();
        if (aNull || bNull) {
            return aNull && bNull;
        }
        return codec(type).same(a, b, tolerance);
    }

    /** A JSON column's text parsed into a tree, for mappings that reach into it. */
    /**
     * A value as the text a target takes it in: a string as it is, a number or boolean as its JSON spelling, a JSON
     * tree (a mapping's document, an array) as its compact JSON. Not {@code toString()} for scalars: that runs
     * Jackson's whole serializer for each value, a visible share of a sink's time.
     */
    public static String text(JsonNode value) {
        if (value.isTextual()) {
            return value.textValue();
        }
        return value.isValueNode() ? value.asText() : value.toString();
    }

    public static JsonNode parseJson(JsonNode canonicalJson) {
        return JsonCodec.parse(canonicalJson.textValue());
    }
}
