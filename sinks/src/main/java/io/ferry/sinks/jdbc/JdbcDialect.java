package io.ferry.sinks.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.core.schema.Column;
import io.ferry.core.types.ColumnType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/** What differs between relational targets: SQL shapes, the type table, binding and reading values, errors. */
interface JdbcDialect {

    String quote(String identifier);

    /** The qualified, quoted name of a table in the configured schema (PostgreSQL) or database (MySQL). */
    String table(String schema, String table);

    /** A multi-row upsert of {@code rows} rows; with only key columns it inserts and ignores duplicates. */
    String upsert(String table, List<Column> columns, List<String> key, int rows);

    /** What stands for one value in a statement (a bare {@code ?}, or a cast around it). */
    String placeholder(Column column);

    /** Binds one canonical value. @throws IllegalArgumentException when the target cannot hold it */
    void bind(PreparedStatement ps, int index, Column column, JsonNode value) throws SQLException;

    /** How to select a column so {@link #read} gets it back exactly. */
    String selectExpression(Column column);

    /** The canonical value of one column of the current row. */
    JsonNode read(ResultSet rs, int index, Column column) throws SQLException;

    /** The column type a created table gets (docs/types.md, "What each target stores"). */
    String columnType(ColumnType type);

    /** A query of the names of a schema's (database's) tables, partitions left out; its one parameter is the schema. */
    String tableNamesQuery();

    /**
     * The types of a new table's columns outside its key: {@link #columnType} of each, unless the dialect must fit them
     * into a row. In the columns' order.
     */
    default List<String> valueColumnTypes(List<Column> columns) {
        return columns.stream().map(col -> columnType(col.type())).toList();
    }

    /**
     * The types of columns added to an existing table whose columns are {@code existing}: {@link #columnType} of each,
     * unless the dialect must fit them into what is left of a row. In the added columns' order.
     */
    default List<String> addedColumnTypes(java.util.Collection<ColumnWidening.TargetColumn> existing, List<Column> added) {
        return added.stream().map(col -> columnType(col.type())).toList();
    }

    /** Statements run on every new connection (time zone, interval style). */
    List<String> sessionSetup();

    /**
     * Statements run on a connection before it streams a table back ({@link JdbcSink#read}): the reader's consumer may
     * pause between rows (validation loads a related table on the first row it maps), which a server must wait out.
     */
    default List<String> streamingSetup() {
        return List.of();
    }

    /**
     * Existing columns of the table by name, empty when it does not exist (information_schema, the same in both engines but
     * for {@link #dataTypeExpression}).
     */
    default java.util.Map<String, ColumnWidening.TargetColumn> existingColumns(Connection c, String schema, String table)
            throws SQLException {
        java.util.Map<String, ColumnWidening.TargetColumn> out = new java.util.LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT column_name, " + dataTypeExpression() + ", character_maximum_length,"
                + " character_octet_length, numeric_precision, numeric_scale, is_nullable, " + plainExpression() + ", collation_name"
                + " FROM information_schema.columns WHERE table_schema = ? AND table_name = ?")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String type = rs.getString(2).toLowerCase(java.util.Locale.ROOT);
                    Long chars = rs.getObject(3) == null ? null : rs.getLong(3);
                    if (type.endsWith("text") && chars != null) {
                        // MySQL's TEXT types count bytes, up to 4 per character in utf8mb4; a LONGTEXT holds any string
                        chars = type.equals("longtext") ? null : rs.getLong(4) / 4;
                    }
                    Integer precision = rs.getObject(5) == null ? null : rs.getInt(5);
                    Integer scale = rs.getObject(6) == null ? null : rs.getInt(6);
                    out.put(rs.getString(1), new ColumnWidening.TargetColumn(rs.getString(1), type, chars, precision, scale,
                            "YES".equalsIgnoreCase(rs.getString(7)), rs.getBoolean(8), rs.getString(9)));
                }
            }
        }
        return out;
    }

    /** The SQL for a column's type name in {@code information_schema.columns}. */
    default String dataTypeExpression() {
        return "data_type";
    }

    /**
     * The SQL for whether a column of {@code information_schema.columns} is as Ferry makes them: no default, nothing
     * else a change of its type would have to restate. Only such columns are widened.
     */
    String plainExpression();

    /** The longest name of a table or column the target keeps whole, in UTF-8 bytes (PostgreSQL cuts longer ones). */
    default int maxIdentifierBytes() {
        return Integer.MAX_VALUE;
    }

    /** The largest decimal this target declares. */
    ColumnWidening.DecimalLimit decimalLimit();

    /**
     * The statement that changes existing columns' types, each to its new type ({@code CREATE TABLE}'s, a key column's
     * from {@link #keyColumnTypes}); a column keeps whether it takes nulls.
     */
    String alterColumnTypes(String table, java.util.Map<ColumnWidening.TargetColumn, String> types);

    /**
     * Key columns of an existing table that compare inexactly (a collation folding case, accents or trailing spaces), each
     * with its collation; empty where keys compare exactly.
     */
    default List<String> inexactKeyColumns(Connection c, String schema, String table, List<String> key) throws SQLException {
        return List.of();
    }

    /** Unique indexes besides the primary key, for targets where they make an upsert update another row. */
    List<String> otherUniqueIndexes(Connection c, String schema, String table) throws SQLException;

    /** Whether the same write may succeed later (lost connection, deadlock, timeout, server shutting down). */
    boolean transientError(SQLException e);

    /**
     * Whether the error is about the record itself: a value its column cannot hold, a constraint the row breaks. Such a
     * record goes to the dead-letter topic. Any other error that is not transient is the target's (read-only after a
     * failover, a privilege revoked, a full disk, a table changed underneath): the batch is retried until the target
     * takes it, since dead-lettering every record of it would move the whole table off the main path.
     */
    boolean recordError(SQLException e);

    /**
     * Whether the error is surely the target's state, whatever other records of the batch did: a privilege missing, a
     * table or column missing, storage full (a delete may pass where an upsert is refused for these).
     */
    boolean targetStateError(SQLException e);

    /**
     * The primary key columns' types in {@code CREATE TABLE}, in the key's order: {@link #columnType}, unless the target
     * cannot index a type or compares it inexactly.
     */
    default List<String> keyColumnTypes(List<ColumnType> key) {
        return key.stream().map(this::columnType).toList();
    }

    /**
     * Upserts many rows through the target's bulk load path, if it has one faster than multi-row
     * statements; returns false when it has none (the caller then uses {@link #upsert}).
     */
    default boolean bulkUpsert(Connection c, String schema, String table, List<Column> columns, List<String> key,
            List<io.ferry.core.event.Row> rows) throws SQLException {
        return false;
    }

    /** Rows per multi-row statement for a table with {@code columns} columns. */
    default int rowsPerStatement(int columns) {
        return Math.max(1, Math.min(1_000, 30_000 / Math.max(1, columns)));
    }
}
