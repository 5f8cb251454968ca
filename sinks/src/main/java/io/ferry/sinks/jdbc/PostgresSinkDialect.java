package io.ferry.sinks.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.ferry.core.schema.Column;
import io.ferry.core.types.CanonicalType;
import io.ferry.core.types.CanonicalValues;
import io.ferry.core.types.ColumnType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * PostgreSQL: {@code INSERT … ON CONFLICT (key) DO UPDATE SET c = EXCLUDED.c}. Values are bound as their
 * canonical text under a cast to the column's type: PostgreSQL parses every canonical form (ISO dates and
 * intervals, {@code infinity}, {@code NaN}, JSON) itself, exactly.
 */
final class PostgresSinkDialect implements JdbcDialect {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Per target table: whether the next batch tries the direct COPY (see {@link #bulkUpsert}). */
    private final java.util.Map<String, DirectCopyBackoff> directCopies = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    @Override
    public String table(String schema, String table) {
        return quote(schema) + "." + quote(table);
    }

    @Override
    public String upsert(String table, List<Column> columns, List<String> key, int rows) {
        String names = columns.stream().map(c -> quote(c.name())).collect(Collectors.joining(", "));
        String row = "(" + columns.stream().map(this::placeholder).collect(Collectors.joining(", ")) + ")";
        List<String> updates = columns.stream().filter(c -> !key.contains(c.name()))
                .map(c -> quote(c.name()) + " = EXCLUDED." + quote(c.name())).toList();
        return "INSERT INTO " + table + " (" + names + ") VALUES " + String.join(", ", java.util.Collections.nCopies(rows, row))
                + " ON CONFLICT (" + key.stream().map(this::quote).collect(Collectors.joining(", ")) + ") "
                + (updates.isEmpty() ? "DO NOTHING" : "DO UPDATE SET " + String.join(", ", updates));
    }

    /**
     * Large upsert groups (snapshot rows, above all) go through COPY. First straight into the target,
     * inside a savepoint: into an empty key range that is as fast as PostgreSQL loads. When a key already
     * exists (an update, or a replay after a crash) the savepoint is rolled back and the rows go through a
     * temporary staging table shaped like the target (emptied at each commit) and one
     * {@code INSERT … SELECT … ON CONFLICT} merge. After a direct COPY hit an existing key, that table's next
     * batches go to staging first ({@link DirectCopyBackoff}: 2, 4, … 64 batches while it keeps hitting one),
     * so an update-heavy stream does not send each batch twice. COPY parses the canonical text with the same
     * input functions as a cast.
     */
    @Override
    public boolean bulkUpsert(Connection c, String schema, String table, List<Column> columns, List<String> key,
            List<io.ferry.core.event.Row> rows) throws SQLException {
        if (columns.stream().anyMatch(col -> money(col.type()))) {
            return false; // COPY reads money's text by the session's lc_monetary; the statements cast it through numeric
        }
        String target = table(schema, table);
        String names = columns.stream().map(col -> quote(col.name())).collect(Collectors.joining(", "));
        byte[] csv = csv(columns, rows).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        DirectCopyBackoff backoff = directCopies.computeIfAbsent(target, t -> new DirectCopyBackoff());
        if (backoff.tryDirect()) {
            java.sql.Savepoint direct = c.setSavepoint();
            try {
                copy(c, "COPY " + target + " (" + names + ") FROM STDIN WITH (FORMAT csv)", csv);
                c.releaseSavepoint(direct);
                backoff.copied();
                return true;
            } catch (SQLException e) {
                c.rollback(direct);
                if (!"23505".equals(e.getSQLState())) {
                    throw e;
                }
                backoff.hitExistingKey();
            }
        }
        // named after the columns and their types too, so a table that gained a column, or whose column was widened, gets a
        // staging table of its new shape: one made LIKE the target before a widening kept the old type, and its COPY rounded
        // a widened decimal's new digits away without a word (for as long as the connection lasted)
        String shape = columns.stream().map(col -> col.name() + " " + columnType(col.type())).collect(Collectors.joining(","));
        String staging = quote("ferry_stage_" + Long.toHexString(hash64(schema + "." + table + "|" + shape)));
        try (var s = c.createStatement()) {
            s.execute("CREATE TEMP TABLE IF NOT EXISTS " + staging + " (LIKE " + target + ") ON COMMIT DELETE ROWS");
        }
        copy(c, "COPY " + staging + " (" + names + ") FROM STDIN WITH (FORMAT csv)", csv);
        List<String> updates = columns.stream().filter(col -> !key.contains(col.name()))
                .map(col -> quote(col.name()) + " = EXCLUDED." + quote(col.name())).toList();
        try (var s = c.createStatement()) {
            s.executeUpdate("INSERT INTO " + target + " (" + names + ") SELECT " + names + " FROM " + staging + " ON CONFLICT ("
                    + key.stream().map(this::quote).collect(Collectors.joining(", ")) + ") "
                    + (updates.isEmpty() ? "DO NOTHING" : "DO UPDATE SET " + String.join(", ", updates)));
            s.execute("TRUNCATE " + staging);
        }
        return true;
    }

    /** COPY from the CSV's UTF-8 bytes (the driver's Reader path copies and encodes it again in chunks). */
    private static void copy(Connection c, String sql, byte[] csv) throws SQLException {
        try {
            c.unwrap(org.postgresql.PGConnection.class).getCopyAPI().copyIn(sql, new java.io.ByteArrayInputStream(csv));
        } catch (java.io.IOException e) {
            throw new SQLException("COPY failed: " + e.getMessage(), "08000", e);
        }
    }

    private static String csv(List<Column> columns, List<io.ferry.core.event.Row> rows) {
        StringBuilder csv = new StringBuilder(rows.size() * 128);
        for (io.ferry.core.event.Row row : rows) {
            for (int i = 0; i < columns.size(); i++) {
                if (i > 0) {
                    csv.append(',');
                }
                csvField(csv, columns.get(i), row.get(columns.get(i).name()));
            }
            csv.append('\n');
        }
        return csv.toString();
    }

    /** One CSV field: empty for NULL, else the canonical text quoted (bytea as hex, arrays as array literals). */
    private static void csvField(StringBuilder csv, Column column, JsonNode value) {
        if (value == null || value.isNull()) {
            return;
        }
        String text = switch (column.type().kind()) {
            case BYTES -> "\\x" + java.util.HexFormat.of().formatHex(java.util.Base64.getDecoder().decode(value.textValue()));
            case ARRAY -> arrayLiteral(value, column.type().elementType());
            default -> CanonicalValues.text(value);
        };
        csv.append('"').append(text.replace("\"", "\"\"")).append('"');
    }

    @Override
    public String placeholder(Column column) {
        // money through numeric: money's own text input follows the session's lc_monetary (a decimal comma read
        // 1234.56 as 123456); the numeric cast keeps the database's currency and its fraction digits
        return switch (column.type().kind()) {
            case BYTES -> "decode(?, 'base64')";
            case MONEY -> "CAST(CAST(? AS numeric) AS money)";
            case ARRAY -> money(column.type()) ? "CAST(CAST(? AS numeric[]) AS money[])" : "CAST(? AS " + columnType(column.type()) + ")";
            default -> "CAST(? AS " + columnType(column.type()) + ")";
        };
    }

    /** A money column or an array of money: its text input and output follow lc_monetary, so it goes through numeric. */
    private static boolean money(ColumnType type) {
        return type.kind() == CanonicalType.MONEY || (type.kind() == CanonicalType.ARRAY && type.elementType().kind() == CanonicalType.MONEY);
    }

    @Override
    public void bind(PreparedStatement ps, int index, Column column, JsonNode value) throws SQLException {
        if (value == null || value.isNull()) {
            ps.setNull(index, Types.VARCHAR);
        } else if (column.type().kind() == CanonicalType.ARRAY) {
            ps.setString(index, arrayLiteral(value, column.type().elementType()));
        } else if (column.type().kind() == CanonicalType.TIME && !timeOfDay(value.asText())) {
            throw new IllegalArgumentException(column.name() + ": a PostgreSQL time holds 00:00:00 to 24:00:00, not " + value.asText()
                    + " (a MySQL duration; map it to an interval with a cast)");
        } else {
            ps.setString(index, CanonicalValues.text(value));
        }
    }

    /** Whether a canonical TIME is a time of day (MySQL's TIME is a signed duration of up to 838 hours). */
    static boolean timeOfDay(String time) {
        if (time.startsWith("24:00:00") && time.substring(8).chars().allMatch(ch -> ch == '.' || ch == '0')) {
            return true;
        }
        try {
            java.time.LocalTime.parse(time);
            return true;
        } catch (java.time.format.DateTimeParseException e) {
            return false;
        }
    }

    /** A PostgreSQL array literal of canonical element values: {@code {1,NULL,"a \"b\""}}. */
    static String arrayLiteral(JsonNode array) {
        return arrayLiteral(array, null);
    }

    /**
     * As {@link #arrayLiteral(JsonNode)}, for an array of {@code element}s: bytes (canonically base64) are written as
     * bytea's hex input, {@code \x...}; as the base64 text, a {@code bytea[]} stored the base64 characters.
     */
    static String arrayLiteral(JsonNode array, ColumnType element) {
        boolean bytes = element != null && element.kind() == CanonicalType.BYTES;
        List<String> parts = new ArrayList<>();
        for (JsonNode e : array) {
            if (e.isNull()) {
                parts.add("NULL");
            } else if (e.isArray()) {
                // a nested array's elements are of the innermost type
                parts.add(arrayLiteral(e, element != null && element.kind() == CanonicalType.ARRAY ? element.elementType() : element));
            } else if (bytes && e.isTextual()) {
                // inside a quoted element a backslash is written twice
                parts.add("\"\\\\x" + java.util.HexFormat.of().formatHex(java.util.Base64.getDecoder().decode(e.textValue())) + "\"");
            } else if (e.isTextual()) {
                parts.add("\"" + e.textValue().replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
            } else {
                parts.add(e.toString());
            }
        }
        return "{" + String.join(",", parts) + "}";
    }

    @Override
    public String selectExpression(Column column) {
        String c = quote(column.name());
        return switch (column.type().kind()) {
            case MONEY -> c + "::numeric::text";
            // array_to_json renders bytea as its hex text; canonical bytes are base64 (one-dimensional bytea arrays)
            case ARRAY -> column.type().elementType().kind() == CanonicalType.BYTES
                    ? "CASE WHEN " + c + " IS NULL THEN NULL ELSE COALESCE((SELECT json_agg(translate(encode(e, 'base64'), E'\\n', '')"
                            + " ORDER BY n) FROM unnest(" + c + ") WITH ORDINALITY AS u(e, n)), '[]')::text END"
                    // money as the canonical strings of its amounts (array_to_json would print money's locale text, or numbers)
                    : "array_to_json(" + c + (money(column.type()) ? "::numeric[]::text[]" : "") + ")::text";
            default -> c;
        };
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
            case DATE -> rs.getObject(index, LocalDate.class);
            case TIMESTAMP -> rs.getObject(index, LocalDateTime.class);
            case TIMESTAMPTZ -> rs.getObject(index, OffsetDateTime.class);
            case TIMETZ -> rs.getObject(index, OffsetTime.class);
            case ARRAY -> rs.getString(index);
            default -> rs.getString(index);
        };
        if (rs.wasNull() || v == null) {
            return NODES.nullNode();
        }
        if (v instanceof String s) {
            return fromText(type, s);
        }
        return CanonicalValues.encode(type, v);
    }

    /** Text PostgreSQL printed, into the canonical form (through the codec, so spelling differences vanish). */
    private static JsonNode fromText(ColumnType type, String s) {
        if (type.kind() == CanonicalType.ARRAY) {
            try {
                JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(s);
                return CanonicalValues.encode(type, CanonicalValues.decode(type, json));
            } catch (java.io.IOException e) {
                throw new IllegalStateException("PostgreSQL returned an array that is not JSON: " + s, e);
            }
        }
        if (type.kind() == CanonicalType.TIME) {
            // 24:00:00, which a PostgreSQL time holds and LocalTime does not, is a day's duration
            return CanonicalValues.encode(type, s.startsWith("24:") ? java.time.Duration.ofDays(1) : java.time.LocalTime.parse(s));
        }
        return CanonicalValues.encode(type, CanonicalValues.decode(type, NODES.textNode(s)));
    }

    @Override
    public String columnType(ColumnType type) {
        return switch (type.kind()) {
            case BOOLEAN -> "boolean";
            case INT16 -> "smallint";
            case INT32 -> "integer";
            case INT64 -> "bigint";
            case UINT64 -> "numeric(20,0)";
            case DECIMAL -> type.precision() == null ? "numeric" : "numeric(" + type.precision() + "," + type.scale() + ")";
            case FLOAT32 -> "real";
            case FLOAT64 -> "double precision";
            case MONEY -> "money";
            case STRING, ENUM -> "text";
            case JSON -> "jsonb";
            case BYTES -> "bytea";
            case UUID -> "uuid";
            case DATE -> "date";
            case TIME -> "time(6)";
            case TIMETZ -> "timetz(6)";
            case TIMESTAMP -> "timestamp(6)";
            case TIMESTAMPTZ -> "timestamptz(6)";
            case INTERVAL -> "interval";
            case INET -> "inet";
            case BIT -> "bit varying";
            case ARRAY -> columnType(type.elementType()) + "[]";
        };
    }

    /** A 64-bit FNV-1a hash: a staging table's name must not collide for two shapes of one table. */
    private static long hash64(String text) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < text.length(); i++) {
            h ^= text.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }

    @Override
    public String tableNamesQuery() {
        return "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relkind IN ('r', 'p')"
                + " AND NOT c.relispartition";
    }

    @Override
    public List<String> sessionSetup() {
        return List.of("SET TIME ZONE 'UTC'", "SET IntervalStyle TO 'iso_8601'");
    }

    /** No default (a serial's nextval included) and not generated; an identity column keeps its identity through a type change. */
    @Override
    public String plainExpression() {
        return "(column_default IS NULL AND is_generated = 'NEVER')";
    }

    /** NAMEDATALEN - 1. */
    @Override
    public int maxIdentifierBytes() {
        return 63;
    }

    @Override
    public ColumnWidening.DecimalLimit decimalLimit() {
        return new ColumnWidening.DecimalLimit(1000, 1000, true);
    }

    @Override
    public String alterColumnTypes(String table, java.util.Map<ColumnWidening.TargetColumn, String> types) {
        return "ALTER TABLE " + table + " " + types.entrySet().stream()
                .map(e -> "ALTER COLUMN " + quote(e.getKey().name()) + " TYPE " + e.getValue()
                        + (e.getKey().collation() != null ? " COLLATE " + quote(e.getKey().collation()) : ""))
                .collect(java.util.stream.Collectors.joining(", "));
    }

    @Override
    public List<String> otherUniqueIndexes(Connection c, String schema, String table) {
        return List.of();
    }

    /**
     * Data exceptions (22: a value out of range, malformed, too long), integrity violations (23), a row too big to index
     * (54), a trigger's RAISE (P0001).
     */
    @Override
    public boolean recordError(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        return state.startsWith("22") || state.startsWith("23") || state.startsWith("54") || state.equals("P0001");
    }

    /** Privileges (42501), a table or column missing (42P01, 42703). */
    @Override
    public boolean targetStateError(SQLException e) {
        return java.util.Set.of("42501", "42P01", "42703").contains(e.getSQLState());
    }

    @Override
    public boolean transientError(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        return e instanceof SQLTransientException || e instanceof SQLRecoverableException || state.startsWith("08")
                || state.startsWith("53") || state.startsWith("57P") || state.equals("40001") || state.equals("40P01")
                || state.equals("55P03") || state.equals("57014")
                // a read-only transaction: a standby, or a primary demoted, which a failover makes writable again
                || state.equals("25006");
    }
}
