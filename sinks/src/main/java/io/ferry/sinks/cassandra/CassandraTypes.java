package io.ferry.sinks.cassandra;

import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.data.CqlDuration;
import com.datastax.oss.driver.api.core.type.DataTypes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.ferry.core.types.CanonicalType;
import io.ferry.core.types.CanonicalValues;
import io.ferry.core.types.ColumnType;
import io.ferry.core.types.Interval;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Cassandra's type table (docs/types.md): the CQL type of each canonical type, a canonical value as the
 * driver's Java value, and back. Timestamps hold milliseconds; naive timestamps become instants in the
 * configured zone. What Cassandra cannot hold (NaN decimals, infinite dates, times beyond a day, null
 * list elements) is refused with the column and the reason.
 */
final class CassandraTypes {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private CassandraTypes() {
    }

    static String cql(ColumnType type) {
        return switch (type.kind()) {
            case BOOLEAN -> "boolean";
            case INT16 -> "smallint";
            case INT32 -> "int";
            case INT64 -> "bigint";
            case UINT64 -> "varint";
            case DECIMAL, MONEY -> "decimal";
            case FLOAT32 -> "float";
            case FLOAT64 -> "double";
            case STRING, ENUM, JSON, INET, BIT -> "text";
            case BYTES -> "blob";
            case UUID -> "uuid";
            case DATE -> "date";
            case TIME, TIMETZ -> "time";
            case TIMESTAMP, TIMESTAMPTZ -> "timestamp";
            case INTERVAL -> "duration";
            // frozen: one cell, so writing the same list again at the same timestamp (a batch retried, a replay after a crash)
            // leaves it as it was; a non-frozen list takes each write's elements under new cell ids and doubles them
            case ARRAY -> "frozen<list<" + cql(type.elementType()) + ">>";
        };
    }

    /** The driver's Java value for a canonical value. @throws IllegalArgumentException when Cassandra cannot hold it */
    static Object toDriver(String column, ColumnType type, JsonNode value, ZoneId naiveZone) {
        if (value == null || value.isNull()) {
            return null;
        }
        Object v = CanonicalValues.decode(type, value);
        return switch (type.kind()) {
            case INT16 -> ((Long) v).shortValue();
            case INT32 -> ((Long) v).intValue();
            case DECIMAL, MONEY -> {
                if (!(v instanceof BigDecimal d)) {
                    throw new IllegalArgumentException(column + ": Cassandra's decimal cannot hold " + value.asText());
                }
                yield d;
            }
            case BYTES -> ByteBuffer.wrap((byte[]) v);
            case DATE -> {
                if (v.equals(LocalDate.MAX) || v.equals(LocalDate.MIN)) {
                    throw new IllegalArgumentException(column + ": Cassandra's date cannot hold " + value.asText());
                }
                yield v;
            }
            case TIME -> {
                Duration d = (Duration) v;
                if (d.isNegative() || d.compareTo(Duration.ofDays(1)) >= 0) {
                    throw new IllegalArgumentException(column + ": Cassandra's time holds a time of day, not " + value.asText());
                }
                yield LocalTime.ofNanoOfDay(d.toNanos());
            }
            case TIMETZ -> ((OffsetTime) v).toLocalTime();
            case TIMESTAMP -> {
                LocalDateTime t = (LocalDateTime) v;
                if (t.equals(LocalDateTime.MAX) || t.equals(LocalDateTime.MIN)) {
                    throw new IllegalArgumentException(column + ": Cassandra's timestamp cannot hold " + value.asText());
                }
                try {
                    yield io.ferry.core.types.CanonicalTime.naiveInstant(t, naiveZone, "the sink's naive_time_zone");
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(column + ": " + e.getMessage(), e);
                }
            }
            case TIMESTAMPTZ -> {
                if (v.equals(Instant.MAX) || v.equals(Instant.MIN)) {
                    throw new IllegalArgumentException(column + ": Cassandra's timestamp cannot hold " + value.asText());
                }
                yield v;
            }
            case INTERVAL -> {
                Interval i = (Interval) v;
                yield CqlDuration.newInstance(i.months(), i.days(), Math.multiplyExact(i.micros(), 1000L));
            }
            case FLOAT32 -> ((Number) v).floatValue();
            case FLOAT64 -> ((Number) v).doubleValue();
            case ARRAY -> {
                List<Object> out = new ArrayList<>();
                for (JsonNode e : value) {
                    if (e.isNull()) {
                        throw new IllegalArgumentException(column + ": a Cassandra list cannot hold a null element");
                    }
                    out.add(toDriver(column, type.elementType(), e, naiveZone));
                }
                yield out;
            }
            case STRING, ENUM, JSON, INET, BIT, UUID, BOOLEAN, INT64, UINT64 -> v instanceof String s ? s : v;
        };
    }

    /**
     * A driver value converted to a column's own CQL type where the mapped type grew past it (an integer column whose
     * source is a bigint now, a float column whose source is a double): kept when the column holds it exactly.
     *
     * @throws IllegalArgumentException when it does not
     */
    static Object toColumnType(String column, com.datastax.oss.driver.api.core.type.DataType type, Object v) {
        if (v instanceof Long || v instanceof Integer || v instanceof Short) {
            long x = ((Number) v).longValue();
            if (type.equals(DataTypes.INT)) {
                if (x != (int) x) {
                    throw new IllegalArgumentException(column + ": the Cassandra column is an int, which cannot hold " + x
                            + " (its source column was widened; Cassandra cannot change a column's type: make the table again)");
                }
                return (int) x;
            }
            if (type.equals(DataTypes.SMALLINT)) {
                if (x != (short) x) {
                    throw new IllegalArgumentException(column + ": the Cassandra column is a smallint, which cannot hold " + x
                            + " (its source column was widened; Cassandra cannot change a column's type: make the table again)");
                }
                return (short) x;
            }
            if (type.equals(DataTypes.BIGINT)) {
                return x;
            }
            if (type.equals(DataTypes.VARINT)) {
                return java.math.BigInteger.valueOf(x);
            }
            if (type.equals(DataTypes.DECIMAL)) {
                return BigDecimal.valueOf(x);
            }
        }
        if (v instanceof Double d && type.equals(DataTypes.FLOAT)) {
            if ((double) d.floatValue() != d && !d.isNaN()) {
                throw new IllegalArgumentException(column + ": the Cassandra column is a float, which cannot hold " + d
                        + " (its source column was widened; Cassandra cannot change a column's type: make the table again)");
            }
            return d.floatValue();
        }
        return v;
    }

    /** The canonical value of one column of a row read back. */
    static JsonNode fromDriver(Row row, int index, ColumnType type, ZoneId naiveZone) {
        if (row.isNull(index)) {
            return NODES.nullNode();
        }
        Object v = switch (type.kind()) {
            case BOOLEAN -> row.getBoolean(index);
            case INT16 -> (long) row.getShort(index);
            case INT32 -> (long) row.getInt(index);
            case INT64 -> row.getLong(index);
            case UINT64 -> row.getBigInteger(index);
            case DECIMAL, MONEY -> row.getBigDecimal(index);
            case FLOAT32 -> row.getFloat(index);
            case FLOAT64 -> row.getDouble(index);
            case BYTES -> {
                ByteBuffer b = row.getByteBuffer(index);
                byte[] out = new byte[b.remaining()];
                b.duplicate().get(out);
                yield out;
            }
            case UUID -> row.getUuid(index);
            case DATE -> row.getLocalDate(index);
            case TIME -> row.getLocalTime(index);
            case TIMETZ -> OffsetTime.of(row.getLocalTime(index), ZoneOffset.UTC);
            case TIMESTAMP -> LocalDateTime.ofInstant(row.getInstant(index), naiveZone);
            case TIMESTAMPTZ -> row.getInstant(index);
            case INTERVAL -> {
                CqlDuration d = row.getCqlDuration(index);
                yield new Interval(d.getMonths(), d.getDays(), d.getNanoseconds() / 1000);
            }
            case ARRAY -> row.getObject(index);
            default -> row.getString(index);
        };
        if (type.kind() == CanonicalType.ARRAY) {
            List<?> list = (List<?>) v;
            return CanonicalValues.encode(type, list);
        }
        return CanonicalValues.encode(type, v);
    }
}
