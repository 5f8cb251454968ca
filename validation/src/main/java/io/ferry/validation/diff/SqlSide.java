package io.ferry.validation.diff;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * One side (source or target) of a pushed-down comparison: a JDBC connection and the queries that run in that database
 * over one table with a single integer key — segment boundaries, a middle key, and per key range the row count and an
 * order-independent checksum of the rows' values in the mapped column order. The session is set up as the JDBC sink
 * sets up its own (UTC, ISO intervals, utf8mb4), so both sides render values alike. Not thread-safe.
 */
final class SqlSide implements AutoCloseable {

    /** A key range's row count and the sum of its rows' 60-bit hashes (0 for no rows). */
    record Sum(long count, BigDecimal checksum) {
    }

    private final Connection connection;
    private final String table;
    private final String key;
    private final String checksum;

    private SqlSide(Connection connection, String table, String key, String checksum) {
        this.connection = connection;
        this.table = table;
        this.key = key;
        this.checksum = checksum;
    }

    /**
     * @param family {@code postgres} or {@code mysql}
     * @param namespace the schema (PostgreSQL) or database (MySQL) of the table; null for the connection's own
     * @param columns the columns to hash, in order
     */
    static SqlSide open(String url, Properties credentials, String family, String namespace, String table, String key,
            List<String> columns) throws SQLException {
        boolean pg = family.equals("postgres");
        String quotedTable = (namespace == null ? "" : quote(pg, namespace) + ".") + quote(pg, table);
        String hashed = pg
                ? "coalesce(sum(('x' || substr(md5(ROW(" + columns.stream().map(c -> quote(true, c)).collect(Collectors.joining(", "))
                        + ")::text), 1, 15))::bit(60)::bigint), 0)"
                // QUOTE keeps NULL (the bare word NULL) apart from the text 'NULL' and escapes the separator's quotes
                : "COALESCE(SUM(CAST(CONV(SUBSTRING(MD5(CONCAT_WS(',', " + columns.stream().map(c -> "QUOTE(" + quote(false, c) + ")")
                        .collect(Collectors.joining(", ")) + ")), 1, 15), 16, 10) AS UNSIGNED)), 0)";
        Connection c = DriverManager.getConnection(url, credentials);
        try (Statement s = c.createStatement()) {
            for (String sql : pg ? List.of("SET TIME ZONE 'UTC'", "SET IntervalStyle TO 'iso_8601'", "SET extra_float_digits = 3")
                    : List.of("SET time_zone = '+00:00'", "SET NAMES utf8mb4")) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return new SqlSide(c, quotedTable, quote(pg, key), hashed);
    }

    private static String quote(boolean pg, String identifier) {
        return pg ? "\"" + identifier.replace("\"", "\"\"") + "\"" : "`" + identifier.replace("`", "``") + "`";
    }

    /** Every {@code every}-th key in key order, starting with the smallest: the segments' lower bounds. */
    List<Long> boundaries(int every) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT k FROM (SELECT " + key
                + " AS k, row_number() OVER (ORDER BY " + key + ") AS rn FROM " + table + ") x WHERE MOD(rn - 1, " + every
                + ") = 0 ORDER BY k")) {
            while (rs.next()) {
                out.add(rs.getLong(1));
            }
        }
        return out;
    }

    /** The count and checksum of the rows with keys in the range. */
    Sum sum(SegmentedComparison.Range range) throws SQLException {
        try (PreparedStatement ps = prepare("SELECT count(*), " + checksum + " FROM " + table, range, "");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return new Sum(rs.getLong(1), rs.getBigDecimal(2));
        }
    }

    /** The number of rows with keys in the range, without hashing them (the recheck's whole-table counts). */
    long count(SegmentedComparison.Range range) throws SQLException {
        try (PreparedStatement ps = prepare("SELECT count(*) FROM " + table, range, ""); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The key {@code offset} rows into the range, or null when the range holds no more rows than that. */
    Long keyAt(SegmentedComparison.Range range, long offset) throws SQLException {
        try (PreparedStatement ps = prepare("SELECT " + key + " FROM " + table, range, " ORDER BY " + key + " LIMIT 1 OFFSET " + offset);
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : null;
        }
    }

    private PreparedStatement prepare(String select, SegmentedComparison.Range range, String tail) throws SQLException {
        List<String> conditions = new ArrayList<>();
        List<Long> bounds = new ArrayList<>();
        if (range.from() != null) {
            conditions.add(key + " >= ?");
            bounds.add(range.from());
        }
        if (range.to() != null) {
            conditions.add(key + " < ?");
            bounds.add(range.to());
        }
        PreparedStatement ps = connection.prepareStatement(select + (conditions.isEmpty() ? "" : " WHERE "
                + String.join(" AND ", conditions)) + tail);
        for (int i = 0; i < bounds.size(); i++) {
            ps.setLong(i + 1, bounds.get(i));
        }
        return ps;
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
