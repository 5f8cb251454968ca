package io.ferry.transform.expr;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.core.types.CanonicalType;
import io.ferry.core.types.ColumnType;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Conversions for a mapping column's {@code cast:} option: the type names, the load-time check, the conversion. */
public final class Casts {

    /** Every accepted name; the first name of each type is the one error messages suggest. */
    private static final Map<String, CanonicalType> NAMES = new LinkedHashMap<>();

    static {
        name(CanonicalType.BOOLEAN, "boolean", "bool");
        name(CanonicalType.INT16, "int16", "smallint");
        name(CanonicalType.INT32, "int32", "int", "integer");
        name(CanonicalType.INT64, "int64", "bigint");
        name(CanonicalType.UINT64, "uint64");
        name(CanonicalType.DECIMAL, "decimal", "numeric");
        name(CanonicalType.FLOAT32, "float32", "float", "real");
        name(CanonicalType.FLOAT64, "float64", "double");
        name(CanonicalType.STRING, "string", "text");
        name(CanonicalType.ENUM, "enum");
        name(CanonicalType.JSON, "json");
        name(CanonicalType.BYTES, "bytes");
        name(CanonicalType.UUID, "uuid");
        name(CanonicalType.DATE, "date");
        name(CanonicalType.TIME, "time");
        name(CanonicalType.TIMETZ, "timetz");
        name(CanonicalType.TIMESTAMP, "timestamp");
        name(CanonicalType.TIMESTAMPTZ, "timestamptz");
        name(CanonicalType.INTERVAL, "interval");
        name(CanonicalType.MONEY, "money");
        name(CanonicalType.INET, "inet");
        name(CanonicalType.BIT, "bit");
    }

    private static final Set<CanonicalType> INTEGERS =
            EnumSet.of(CanonicalType.INT16, CanonicalType.INT32, CanonicalType.INT64, CanonicalType.UINT64);
    private static final Set<CanonicalType> NUMBERS = EnumSet.of(CanonicalType.INT16, CanonicalType.INT32,
            CanonicalType.INT64, CanonicalType.UINT64, CanonicalType.DECIMAL, CanonicalType.MONEY,
            CanonicalType.FLOAT32, CanonicalType.FLOAT64);
    private static final Set<CanonicalType> TEXT = EnumSet.of(CanonicalType.STRING, CanonicalType.ENUM);
    private static final Set<CanonicalType> DATES =
            EnumSet.of(CanonicalType.DATE, CanonicalType.TIMESTAMP, CanonicalType.TIMESTAMPTZ);

    private Casts() {
    }

    private static void name(CanonicalType type, String... names) {
        for (String n : names) {
            NAMES.put(n, type);
        }
    }

    /**
     * Converts a canonical value (any canonical JSON form) to the canonical form of {@code target}.
     * JSON null stays null.
     *
     * @throws EvaluationException with a message like "cannot cast 'abc' to date"
     */
    public static JsonNode cast(JsonNode value, CanonicalType target, ZoneId sourceZone) {
        return ValueCasts.cast(value, target, sourceZone);
    }

    /**
     * Whether a value of type {@code from} can ever be cast to {@code to} (load-time check for an
     * impossible cast); e.g. UUID→BOOLEAN false, STRING→DATE true (may fail per value at run time),
     * INT→BOOLEAN true.
     */
    public static boolean possible(ColumnType from, CanonicalType to) {
        CanonicalType f = from.kind();
        if (f == to || TEXT.contains(f) || to == CanonicalType.STRING || to == CanonicalType.ENUM
                || to == CanonicalType.JSON) {
            // Text may hold any value's spelling, and every value has a text and a JSON form.
            return to != CanonicalType.ARRAY || f == to;
        }
        switch (to) {
            case INT16:
            case INT32:
            case INT64:
            case UINT64:
                return NUMBERS.contains(f) || f == CanonicalType.BOOLEAN;
            case DECIMAL:
            case FLOAT32:
            case FLOAT64:
            case MONEY:
                return NUMBERS.contains(f);
            case BOOLEAN:
                return INTEGERS.contains(f);
            case DATE:
            case TIMESTAMP:
            case TIMESTAMPTZ:
                return DATES.contains(f);
            case TIME:
                return f == CanonicalType.TIMESTAMP || f == CanonicalType.TIMESTAMPTZ;
            case BYTES:
                return f == CanonicalType.JSON;
            default:
                return false;
        }
    }

    /**
     * Parses a type name used in configs (case-insensitive): boolean|bool, int16|smallint,
     * int32|int|integer, int64|bigint, uint64, decimal|numeric, float32|float|real, float64|double,
     * string|text, enum (stays a string), json, bytes, uuid, date, time, timetz, timestamp,
     * timestamptz, interval, money, inet, bit. Empty if unknown.
     */
    public static Optional<CanonicalType> typeNamed(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(NAMES.get(name.trim().toLowerCase(Locale.ROOT)));
    }

    /** The names typeNamed accepts, for error messages. */
    public static List<String> typeNames() {
        return Collections.unmodifiableList(new ArrayList<>(NAMES.keySet()));
    }
}
