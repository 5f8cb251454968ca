package io.ferry.sinks.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.ferry.core.schema.Column;
import io.ferry.core.types.CanonicalType;
import io.ferry.core.types.CanonicalValues;
import io.ferry.core.types.ColumnType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * MySQL and MariaDB: {@code INSERT … ON DUPLICATE KEY UPDATE}. MariaDB names the new values with
 * {@code VALUES(c)}; MySQL 8 deprecates that for a row alias ({@code AS new … c = new.c}). Because the
 * clause fires on <em>any</em> unique key, a table with a unique index besides its primary key is refused.
 */
final class MysqlSinkDialect implements JdbcDialect {

    /** A MySQL date with a zero year, month or day: {@code 0000-00-00}, {@code 2024-00-15}, {@code 2024-05-00 10:00:00}. */
    private static final java.util.regex.Pattern ZERO_DATE = java.util.regex.Pattern.compile("(0000-\\d\\d-\\d\\d|\\d{4}-00-\\d\\d|\\d{4}-\\d\\d-00)");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final DateTimeFormatter DATETIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS");

    private final boolean mariadb;

    MysqlSinkDialect(boolean mariadb) {
        this.mariadb = mariadb;
    }

    @Override
    public String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }

    @Override
    public String table(String schema, String table) {
        return quote(schema) + "." + quote(table);
    }

    @Override
    public String upsert(String table, List<Column> columns, List<String> key, int rows) {
        String names = columns.stream().map(c -> quote(c.name())).collect(Collectors.joining(", "));
        String row = "(" + columns.stream().map(this::placeholder).collect(Collectors.joining(", ")) + ")";
        List<Column> nonKey = columns.stream().filter(c -> !key.contains(c.name())).toList();
        String values = String.join(", ", java.util.Collections.nCopies(rows, row));
        if (nonKey.isEmpty()) {
            // not INSERT IGNORE: IGNORE overrides strict mode, and a key too long for its column would be clipped to another
            String self = quote(key.get(0)) + " = " + quote(key.get(0));
            return "INSERT INTO " + table + " (" + names + ") VALUES " + values + " ON DUPLICATE KEY UPDATE " + self;
        }
        String updates = nonKey.stream().map(c -> quote(c.name()) + " = " + (mariadb ? "VALUES(" + quote(c.name()) + ")"
                : "new_row." + quote(c.name()))).collect(Collectors.joining(", "));
        return "INSERT INTO " + table + " (" + names + ") VALUES " + values + (mariadb ? "" : " AS new_row")
                + " ON DUPLICATE KEY UPDATE " + updates;
    }

    @Override
    public String placeholder(Column column) {
        return "?";
    }

    @Override
    public void bind(PreparedStatement ps, int index, Column column, JsonNode value) throws SQLException {
        if (value == null || value.isNull()) {
            ps.setNull(index, Types.NULL);
            return;
        }
        ColumnType type = column.type();
        Object v = CanonicalValues.decode(type, value);
        switch (type.kind()) {
            case BOOLEAN -> ps.setBoolean(index, (Boolean) v);
            case INT16, INT32, INT64 -> ps.setLong(index, (Long) v);
            case UINT64 -> ps.setBigDecimal(index, new BigDecimal((BigInteger) v));
            case DECIMAL, MONEY -> {
                if (!(v instanceof BigDecimal d)) {
                    throw new IllegalArgumentException(column.name() + ": " + (mariadb ? "MariaDB" : "MySQL") + " DECIMAL cannot hold " + value.asText());
                }
                // more fraction digits than the column keeps are rounded with a note, not refused, even in strict mode
                int scale = type.kind() == CanonicalType.MONEY ? 2 : type.precision() == null ? 30 : type.scale() == null ? 0
                        : Math.min(type.scale(), 30);
                if (d.precision() - d.scale() > 65) {
                    throw new IllegalArgumentException(column.name() + ": " + (mariadb ? "MariaDB" : "MySQL") + " DECIMAL holds at most 65"
                            + " digits, not " + (d.precision() - d.scale()) + " before the point");
                }
                if (d.scale() > scale && d.stripTrailingZeros().scale() > scale) {
                    throw new IllegalArgumentException(column.name() + ": " + (mariadb ? "MariaDB" : "MySQL") + " " + columnType(type)
                            + " keeps " + scale + " fraction digits; " + d.toPlainString() + " would be rounded");
                }
                ps.setBigDecimal(index, d);
            }
            case FLOAT32, FLOAT64 -> {
                double d = ((Number) v).doubleValue();
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    throw new IllegalArgumentException(column.name() + ": " + (mariadb ? "MariaDB" : "MySQL") + " cannot store " + d);
                }
                ps.setDouble(index, d);
            }
            case BYTES -> ps.setBytes(index, (byte[]) v);
            case DATE -> {
                LocalDate d = (LocalDate) v;
                if (d.equals(LocalDate.MAX) || d.equals(LocalDate.MIN)) {
                    throw new IllegalArgumentException(column.name() + ": a DATE cannot hold " + value.asText());
                }
                ps.setObject(index, d);
            }
            case TIMESTAMP -> ps.setString(index, dateTime((LocalDateTime) v, column, value));
            case TIMESTAMPTZ -> {
                Instant i = (Instant) v;
                if (i.equals(Instant.MAX) || i.equals(Instant.MIN)) {
                    throw new IllegalArgumentException(column.name() + ": a DATETIME cannot hold " + value.asText());
                }
                ps.setString(index, DATETIME.format(LocalDateTime.ofInstant(i, ZoneOffset.UTC)));
            }
            case TIME -> ps.setString(index, value.textValue());
            case TIMETZ -> ps.setString(index, ((OffsetTime) v).toLocalTime().toString());
            case ARRAY -> ps.setString(index, value.toString());
            default -> ps.setString(index, CanonicalValues.text(value));
        }
    }

    private static String dateTime(LocalDateTime t, Column column, JsonNode value) {
        if (t.equals(LocalDateTime.MAX) || t.equals(LocalDateTime.MIN) || t.getYear() > 9999 || t.getYear() < 1) {
            throw new IllegalArgumentException(column.name() + ": a DATETIME cannot hold " + value.asText());
        }
        return DATETIME.format(t);
    }

    @Override
    public String selectExpression(Column column) {
        return quote(column.name());
    }

    @Override
    public JsonNode read(ResultSet rs, int index, Column column) throws SQLException {
        ColumnType type = column.type();
        Object v = switch (type.kind()) {
            case BOOLEAN -> rs.getBoolean(index);
            case INT16, INT32, INT64 -> rs.getLong(index);
            case UINT64 -> rs.getBigDecimal(index) == null ? null : rs.getBigDecimal(index).toBigInteger();
            case FLOAT32 -> rs.getFloat(index);
            case FLOAT64 -> rs.getDouble(index);
            case BYTES -> rs.getBytes(index);
            case DATE -> temporal(rs, index, LocalDate.class);
            case TIMESTAMP -> temporal(rs, index, LocalDateTime.class);
            case TIMESTAMPTZ -> {
                LocalDateTime t = temporal(rs, index, LocalDateTime.class);
                yield t == null ? null : t.toInstant(ZoneOffset.UTC);
            }
            case TIMETZ -> {
                String s = rs.getString(index);
                yield s == null ? null : OffsetTime.of(java.time.LocalTime.parse(s), ZoneOffset.UTC);
            }
            default -> rs.getString(index);
        };
        if (rs.wasNull() || v == null) {
            return NODES.nullNode();
        }
        if (v instanceof String s) {
            JsonNode text = type.kind() == CanonicalType.ARRAY ? parse(s) : NODES.textNode(s);
            return CanonicalValues.encode(type, CanonicalValues.decode(type, text));
        }
        return CanonicalValues.encode(type, v);
    }

    /**
     * A date or time as the driver reads it, or null for a zero date ({@code 0000-00-00}, or a zero month or day), which
     * capture takes as NULL (a source's value read for validation). MariaDB's driver answers the whole zero date with null
     * and a zero month or day with an exception; MySQL's with an exception for both (its {@code zeroDateTimeBehavior}).
     */
    private static <T> T temporal(ResultSet rs, int index, Class<T> type) throws SQLException {
        try {
            return rs.getObject(index, type);
        } catch (SQLException | java.time.DateTimeException e) {
            String text = rs.getString(index);
            if (text != null && ZERO_DATE.matcher(text).lookingAt()) {
                return null;
            }
            throw e;
        }
    }

    private static JsonNode parse(String json) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("stored array is not JSON: " + json, e);
        }
    }

    @Override
    public String columnType(ColumnType type) {
        return switch (type.kind()) {
            case BOOLEAN -> "BOOLEAN";
            case INT16 -> "SMALLINT";
            case INT32 -> "INT";
            case INT64 -> "BIGINT";
            case UINT64 -> "BIGINT UNSIGNED";
            // MySQL's largest is DECIMAL(65,30): a wider one (PostgreSQL's numeric(78,0) of 256-bit amounts) is capped, not
            // refused with the table (which stopped the sink at every start); a value beyond the cap is dead-lettered (bind)
            case DECIMAL -> type.precision() == null ? "DECIMAL(65,30)" : "DECIMAL(" + Math.min(type.precision(), 65) + ","
                    + Math.min(type.scale() == null ? 0 : type.scale(), 30) + ")";
            case FLOAT32 -> "FLOAT";
            case FLOAT64 -> "DOUBLE";
            case MONEY -> "DECIMAL(19,2)";
            // utf8mb4 whatever the server's default (latin1 on MariaDB before 11.6): canonical text is Unicode
            case STRING -> (type.length() != null && type.length() <= 16_383 ? "VARCHAR(" + type.length() + ")" : "LONGTEXT")
                    + " CHARACTER SET utf8mb4";
            case ENUM -> "VARCHAR(255) CHARACTER SET utf8mb4";
            case JSON -> "JSON";
            case BYTES -> "LONGBLOB";
            case UUID -> "CHAR(36)";
            case DATE -> "DATE";
            case TIME, TIMETZ -> "TIME(6)";
            case TIMESTAMP, TIMESTAMPTZ -> "DATETIME(6)";
            case INTERVAL, INET -> "VARCHAR(64)";
            case BIT -> "VARCHAR(1024)";
            case ARRAY -> "JSON";
        };
    }

    /**
     * MySQL's rows hold at most 65,535 bytes of columns (a {@code TEXT} counts a few): {@code VARCHAR(n)} in utf8mb4 counts
     * 4n, so four {@code varchar(5000)} columns of a PostgreSQL table made a table MySQL refused (1118), and the sink stopped
     * at every start. The longest strings become {@code MEDIUMTEXT} (holding any {@code VARCHAR}'s values) until the rest
     * fit, with room for the key (at most 3,072 bytes) and the fixed-size columns.
     */
    @Override
    public List<String> valueColumnTypes(List<Column> columns) {
        return fitted(columns, 3_072 + 1_024);
    }

    /**
     * Columns added to an existing table fit in what its columns leave of the row the same way ({@code ALTER TABLE ... ADD}
     * of a {@code varchar(5000)} to a table near the limit was refused, and stopped the sink at every start). A column's
     * share is counted as utf8mb4, whatever its character set: a column made by hand in a narrower one counts for more
     * than it takes, so an added string may be a {@code MEDIUMTEXT} where a {@code VARCHAR} would have fitted.
     */
    @Override
    public List<String> addedColumnTypes(java.util.Collection<ColumnWidening.TargetColumn> existing, List<Column> added) {
        long bytes = 1_024;
        for (ColumnWidening.TargetColumn c : existing) {
            bytes += rowBytes(c);
        }
        return fitted(added, bytes);
    }

    /** The columns' types, the longest strings made {@code MEDIUMTEXT} until they fit in what {@code used} leaves of a row. */
    private List<String> fitted(List<Column> columns, long used) {
        List<String> types = new java.util.ArrayList<>(columns.stream().map(col -> columnType(col.type())).toList());
        long bytes = used;
        for (String type : types) {
            bytes += rowBytes(type);
        }
        List<Integer> longest = new java.util.ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            if (types.get(i).startsWith("VARCHAR(") && columns.get(i).type().kind() == CanonicalType.STRING) {
                longest.add(i);
            }
        }
        longest.sort(java.util.Comparator.comparingInt((Integer i) -> columns.get(i).type().length()).reversed());
        for (int i : longest) {
            if (bytes <= ROW_BYTES) {
                break;
            }
            bytes -= rowBytes(types.get(i)) - 12;
            types.set(i, "MEDIUMTEXT CHARACTER SET utf8mb4");
        }
        return types;
    }

    /** MySQL's row size limit, which every column but the {@code TEXT}/{@code BLOB} family counts toward. */
    private static final long ROW_BYTES = 65_535;
    private static final java.util.regex.Pattern SIZED_CHARS = java.util.regex.Pattern.compile("(?:VAR)?CHAR\\((\\d+)\\)");

    /** A column's share of a MySQL row by its SQL type (a long string's, utf8mb4: 4 bytes a character). */
    private static long rowBytes(String sqlType) {
        java.util.regex.Matcher m = SIZED_CHARS.matcher(sqlType);
        if (m.lookingAt()) {
            return 4L * Long.parseLong(m.group(1)) + 2;
        }
        return 16; // a number, a date or time, or a TEXT/BLOB/JSON (stored off the row but for a pointer)
    }

    /** An existing column's share of a row ({@code CHARACTER_MAXIMUM_LENGTH} counts characters of strings, bytes of binaries). */
    private static long rowBytes(ColumnWidening.TargetColumn column) {
        if (column.maxChars() == null || column.maxChars() > ROW_BYTES) {
            return 16;
        }
        return switch (column.dataType().toLowerCase(java.util.Locale.ROOT)) {
            case "varchar", "char" -> 4L * column.maxChars() + 2;
            case "varbinary", "binary" -> column.maxChars() + 2;
            default -> 16;
        };
    }

    @Override
    public String dataTypeExpression() {
        return "CONCAT(DATA_TYPE, IF(COLUMN_TYPE LIKE '%unsigned%', ' unsigned', ''))";
    }

    /**
     * No default (MariaDB shows a column's missing default as the text NULL), no {@code auto_increment}, {@code on update}
     * or generation ({@code EXTRA}), no comment, and a string column in utf8mb4: {@code MODIFY} restates the whole column,
     * so anything else would be lost.
     */
    @Override
    public String plainExpression() {
        return "((COLUMN_DEFAULT IS NULL OR COLUMN_DEFAULT = 'NULL') AND EXTRA = '' AND COLUMN_COMMENT = ''"
                + " AND (CHARACTER_SET_NAME IS NULL OR CHARACTER_SET_NAME = 'utf8mb4'))";
    }

    @Override
    public ColumnWidening.DecimalLimit decimalLimit() {
        return new ColumnWidening.DecimalLimit(65, 30, false);
    }

    /** {@code MODIFY} restates the whole column: its nullability and collation are restated (only columns without a default or comment are widened). */
    @Override
    public String alterColumnTypes(String table, java.util.Map<ColumnWidening.TargetColumn, String> types) {
        return "ALTER TABLE " + table + " " + types.entrySet().stream()
                .map(e -> "MODIFY COLUMN " + quote(e.getKey().name()) + " " + e.getValue()
                        + (e.getKey().collation() != null && !e.getValue().contains(" COLLATE ") ? " COLLATE " + e.getKey().collation() : "")
                        + (e.getKey().nullable() ? " NULL" : " NOT NULL"))
                .collect(java.util.stream.Collectors.joining(", "));
    }

    @Override
    public String tableNamesQuery() {
        return "SELECT table_name FROM information_schema.tables WHERE table_schema = ? AND table_type IN ('BASE TABLE', 'SYSTEM VERSIONED')";
    }

    @Override
    public List<String> sessionSetup() {
        // strict for every table: a value a column cannot hold is an error (dead-lettered), never clipped with a warning
        return List.of("SET time_zone = '+00:00'", "SET NAMES utf8mb4",
                "SET SESSION sql_mode = TRIM(BOTH ',' FROM CONCAT(@@SESSION.sql_mode, ',STRICT_ALL_TABLES'))");
    }

    /** A streamed result is written as the client reads it: a pause longer than net_write_timeout (60 s) would abort it. */
    @Override
    public List<String> streamingSetup() {
        return List.of("SET SESSION net_write_timeout = 3600");
    }

    /** The collation Ferry gives string key columns: byte for byte, trailing spaces included. */
    private String exactCollation() {
        return mariadb ? "utf8mb4_nopad_bin" : "utf8mb4_0900_bin";
    }

    /** Byte for byte, trailing spaces included: MariaDB's {@code *_nopad_bin}, MySQL 8's {@code *_0900_bin}. */
    private static boolean exact(String collation) {
        return collation.endsWith("_nopad_bin") || collation.endsWith("_0900_bin");
    }

    /** Privileges (1142, 1143), a table or column missing (1146, 1054), a table or disk full (1114, 1021). */
    @Override
    public boolean targetStateError(SQLException e) {
        return java.util.Set.of(1142, 1143, 1146, 1054, 1114, 1021).contains(e.getErrorCode());
    }

    @Override
    public List<String> inexactKeyColumns(Connection c, String schema, String table, List<String> key) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT COLUMN_NAME, COLLATION_NAME FROM information_schema.COLUMNS "
                + "WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLLATION_NAME IS NOT NULL")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (key.contains(rs.getString(1)) && !exact(rs.getString(2))) {
                        out.add(rs.getString(1) + " (" + rs.getString(2) + ")");
                    }
                }
            }
        }
        return out;
    }

    @Override
    public List<String> otherUniqueIndexes(Connection c, String schema, String table) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT INDEX_NAME FROM information_schema.STATISTICS "
                + "WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND NON_UNIQUE = 0 AND INDEX_NAME <> 'PRIMARY'")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /**
     * SQLSTATE classes 22 and 23, and the server errors about a value that carry the general HY000 or a warning's state:
     * 1265 data truncated, 1366 incorrect value, 1367 illegal value, 1411 incorrect value for a function, 1118 row too
     * large, 3819 a CHECK constraint (MySQL), 1416 not a geometry.
     */
    private static final java.util.Set<Integer> RECORD_ERRORS = java.util.Set.of(1265, 1366, 1367, 1411, 1118, 3819, 1416, 1364,
            1644);

    /**
     * Also 1364 (a NOT NULL column without a default left out of a partial upsert), 1644 (a trigger's SIGNAL) and the
     * driver's {@code HZ000} (a row larger than the server's {@code max_allowed_packet}, refused before it is sent).
     */
    @Override
    public boolean recordError(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        return state.startsWith("22") || state.startsWith("23") || state.equals("HZ000") || state.equals("45000")
                || RECORD_ERRORS.contains(e.getErrorCode());
    }

    /**
     * InnoDB indexes at most 3,072 bytes of a key (a utf8mb4 character counts 4), shared by the key's columns: an unbounded
     * or longer string or bytes key column is a {@code VARCHAR}/{@code VARBINARY} of what the key's other columns leave it
     * (a longer value is refused, and dead-lettered, in strict mode, which the session sets), where {@code LONGTEXT} or
     * {@code LONGBLOB} made {@code CREATE TABLE} fail.
     */
    static final int KEY_BYTES = 3_072;
    static final int KEY_CHARS = KEY_BYTES / 4;

    /**
     * String key columns compare byte for byte, trailing spaces included ({@code utf8mb4_nopad_bin} on MariaDB,
     * {@code utf8mb4_0900_bin} on MySQL 8): under the server's default collation ({@code _ci}, {@code _ai}, PAD SPACE) keys
     * the source holds apart ({@code 'abc'}, {@code 'ABC'}, {@code 'abc '}) are one row, and an upsert of one overwrote
     * the other. Fixed-width key columns (an enum, a uuid, numbers) take their bytes whole; the strings and bytes share
     * the rest, shortest first, none more than it needs.
     */
    @Override
    public List<String> keyColumnTypes(List<ColumnType> key) {
        long[] want = new long[key.size()];
        for (int i = 0; i < want.length; i++) {
            want[i] = keyBytesWanted(key.get(i));
        }
        long[] given = new long[want.length];
        Integer[] order = new Integer[want.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, java.util.Comparator.comparingLong(i -> want[i]));
        // the types whose width is theirs (an enum, a uuid, numbers) first, whole; then the strings and bytes, shortest first
        long left = KEY_BYTES;
        int shrinkable = 0;
        for (int i = 0; i < want.length; i++) {
            if (shrinks(key.get(i))) {
                shrinkable++;
            } else {
                given[i] = want[i];
                left -= want[i];
            }
        }
        for (int i : order) {
            if (shrinks(key.get(i))) {
                given[i] = Math.max(0, Math.min(want[i], left / shrinkable));
                left -= given[i];
                shrinkable--;
            }
        }
        String exact = " COLLATE " + exactCollation();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < want.length; i++) {
            ColumnType type = key.get(i);
            long chars = Math.max(1, given[i] / 4);
            out.add(switch (type.kind()) {
                case STRING, BIT -> "VARCHAR(" + chars + ")" + exact;
                case ENUM, UUID, INTERVAL, INET -> columnType(type) + exact;
                case BYTES -> "VARBINARY(" + Math.max(1, given[i]) + ")";
                default -> columnType(type);
            });
        }
        return out;
    }

    private static boolean shrinks(ColumnType type) {
        return type.kind() == CanonicalType.STRING || type.kind() == CanonicalType.BIT || type.kind() == CanonicalType.BYTES;
    }

    /** What a key column would take of the key's bytes; strings and bytes without a length all of it. */
    private static long keyBytesWanted(ColumnType type) {
        return switch (type.kind()) {
            case STRING -> type.length() != null ? 4L * type.length() : KEY_BYTES;
            case BIT -> 4L * Math.min(1024, type.length() != null ? type.length() : 1024);
            case BYTES -> type.length() != null ? type.length() : KEY_BYTES;
            case ENUM -> 4 * 255;
            case UUID -> 4 * 36;
            case INTERVAL, INET -> 4 * 64;
            case BOOLEAN -> 1;
            case INT16 -> 2;
            case INT32, FLOAT32, DATE -> 4;
            case INT64, UINT64, FLOAT64, TIME, TIMETZ, TIMESTAMP, TIMESTAMPTZ -> 8;
            default -> 32; // a DECIMAL(65,30) takes 30 bytes; JSON and arrays cannot be keys at all
        };
    }

    @Override
    public boolean transientError(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        int code = e.getErrorCode();
        if ("HZ000".equals(state)) {
            return false; // a row over max_allowed_packet: the driver makes it a transient connection exception, it is the record's
        }
        // 1290 and 1836: a server read-only (--read-only, a replica after a failover), which may take writes again
        return e instanceof SQLTransientException || e instanceof SQLRecoverableException || state.startsWith("08")
                || state.equals("40001") || code == 1205 || code == 1213 || code == 1040 || code == 2006 || code == 2013
                || code == 1290 || code == 1836;
    }
}
