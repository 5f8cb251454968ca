package io.ferry.capture.convert;

import io.ferry.core.types.CanonicalType;
import io.ferry.core.types.ColumnType;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;

/**
 * A Connect field schema, as Debezium writes it with {@code column.propagate.source.type}, to the
 * column's canonical type. Debezium's semantic type names come first; then the source type for
 * values Debezium carries as strings (numeric, money, inet); then the Connect primitive.
 */
final class ConnectTypes {

    static final String SOURCE_TYPE = "__debezium.source.column.type";
    static final String SOURCE_LENGTH = "__debezium.source.column.length";
    static final String SOURCE_SCALE = "__debezium.source.column.scale";

    /** PostgreSQL reports an unconstrained numeric with this (or a larger) length. */
    private static final int UNBOUNDED_PRECISION = 1000;

    private ConnectTypes() {
    }

    static ColumnType of(Schema schema, String where) {
        Map<String, String> params = schema.parameters() == null ? Map.of() : schema.parameters();
        String sourceType = normalized(params.getOrDefault(SOURCE_TYPE, "").toUpperCase(Locale.ROOT));
        Integer length = integer(params.get(SOURCE_LENGTH));
        Integer scale = integer(params.get(SOURCE_SCALE));
        ColumnType type = semantic(schema, sourceType, length, scale, params, where);
        if (type == null) {
            type = primitive(schema, sourceType, length, scale, where);
        }
        return sourceType.isEmpty() ? type : type.withSourceType(sourceType.toLowerCase(Locale.ROOT));
    }

    private static ColumnType semantic(Schema schema, String sourceType, Integer length, Integer scale, Map<String, String> params,
            String where) {
        String name = schema.name();
        if (name == null) {
            return null;
        }
        return switch (name) {
            case "io.debezium.time.Date" -> ColumnType.of(CanonicalType.DATE);
            case "io.debezium.time.Time", "io.debezium.time.MicroTime", "io.debezium.time.NanoTime" -> ColumnType.of(CanonicalType.TIME);
            case "io.debezium.time.Timestamp", "io.debezium.time.MicroTimestamp", "io.debezium.time.NanoTimestamp" ->
                    ColumnType.of(CanonicalType.TIMESTAMP);
            case "io.debezium.time.ZonedTimestamp" -> ColumnType.of(CanonicalType.TIMESTAMPTZ);
            case "io.debezium.time.ZonedTime" -> ColumnType.of(CanonicalType.TIMETZ);
            case "io.debezium.time.Year" -> ColumnType.of(CanonicalType.INT32);
            case "io.debezium.time.Interval", "io.debezium.time.MicroDuration" -> ColumnType.of(CanonicalType.INTERVAL);
            case "io.debezium.data.Uuid" -> ColumnType.of(CanonicalType.UUID);
            case "io.debezium.data.Json" -> ColumnType.of(CanonicalType.JSON);
            case "io.debezium.data.Xml", "io.debezium.data.EnumSet", "io.debezium.data.Ltree" -> ColumnType.of(CanonicalType.STRING);
            case "io.debezium.data.Enum" -> ColumnType.enumOf(labels(params.get("allowed")));
            case "io.debezium.data.Bits" -> {
                if (sourceType.equals("VARBIT") || sourceType.startsWith("BIT VARYING")) {
                    // Debezium passes the set bits alone, as few bytes as hold them: B'101' and B'0101' arrive alike
                    throw new UnsupportedColumnException(where + " has type bit varying, whose length Debezium does not pass on"
                            + " (only the bits set), so a value cannot be told from one with other leading zeros: change the"
                            + " column to bit(n) or text, or leave the table out");
                }
                yield ColumnType.of(CanonicalType.BIT).withLength(integer(params.getOrDefault("length", "1")));
            }
            // BIGINT UNSIGNED arrives as a decimal of scale 0 (precise handling); DECIMAL(10,2) UNSIGNED is a decimal
            case "org.apache.kafka.connect.data.Decimal", "io.debezium.data.VariableScaleDecimal" -> sourceType.startsWith("BIGINT")
                    && sourceType.contains("UNSIGNED") ? ColumnType.of(CanonicalType.UINT64) : decimal(length, scale);
            default -> {
                if (name.startsWith("io.debezium.data.geometry.")) {
                    throw new UnsupportedColumnException(where + " has type " + sourceType.toLowerCase(Locale.ROOT)
                            + " (geometry), which Ferry does not carry yet: leave the table out or drop the column");
                }
                yield null;
            }
        };
    }

    private static ColumnType primitive(Schema schema, String sourceType, Integer length, Integer scale, String where) {
        return switch (schema.type()) {
            case BOOLEAN -> ColumnType.of(CanonicalType.BOOLEAN);
            case INT8, INT16 -> ColumnType.of(CanonicalType.INT16);
            case INT32 -> ColumnType.of(CanonicalType.INT32);
            case INT64 -> ColumnType.of(CanonicalType.INT64);
            case FLOAT32 -> ColumnType.of(CanonicalType.FLOAT32);
            case FLOAT64 -> ColumnType.of(CanonicalType.FLOAT64);
            case BYTES -> length == null ? ColumnType.of(CanonicalType.BYTES) : ColumnType.of(CanonicalType.BYTES).withLength(length);
            case ARRAY -> ColumnType.arrayOf(of(schema.valueSchema(), where + "[]"));
            case STRING -> switch (sourceType.replaceAll("[\\s(].*", "")) {
                case "NUMERIC", "DECIMAL" -> decimal(length, scale);
                case "MONEY" -> ColumnType.of(CanonicalType.MONEY);
                case "INET", "CIDR" -> ColumnType.of(CanonicalType.INET);
                default -> length == null || length <= 0 || length >= Integer.MAX_VALUE
                        ? ColumnType.of(CanonicalType.STRING) : ColumnType.of(CanonicalType.STRING).withLength(length);
            };
            default -> throw new UnsupportedColumnException(where + " has type " + sourceType.toLowerCase(Locale.ROOT)
                    + " (Connect " + schema.type() + "), which Ferry does not carry yet");
        };
    }

    /**
     * One name per type: Debezium's snapshot reports PostgreSQL's serial columns by their declared alias,
     * streaming by the storage type, and the schema must not change version between the two.
     */
    private static String normalized(String sourceType) {
        return switch (sourceType) {
            case "SERIAL", "SERIAL4" -> "INT4";
            case "BIGSERIAL", "SERIAL8" -> "INT8";
            case "SMALLSERIAL", "SERIAL2" -> "INT2";
            default -> sourceType;
        };
    }

    private static ColumnType decimal(Integer length, Integer scale) {
        boolean unbounded = length == null || length <= 0 || length >= UNBOUNDED_PRECISION;
        return unbounded ? ColumnType.decimal(null, null) : ColumnType.decimal(length, scale == null ? 0 : scale);
    }

    private static List<String> labels(String allowed) {
        return allowed == null || allowed.isEmpty() ? List.of() : Arrays.asList(allowed.split(","));
    }

    private static Integer integer(String s) {
        if (s == null || s.isEmpty()) {
            return null;
        }
        try {
            return Integer.valueOf(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
