package io.ferry.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Plain-JDBC reading for the independent checks: every row as one line of {@code column=value} pairs, sorted. */
final class Rows {

    private static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private Rows() {
    }

    /** Each row of the query, values rendered by {@link #render}; sorted. */
    static List<String> query(Connection c, String sql) throws SQLException {
        return query(c, sql, java.util.Set.of());
    }

    /**
     * As {@link #query(Connection, String)}, with the named columns compared as JSON trees whatever their SQL type
     * (MariaDB's JSON is a LONGTEXT to its driver).
     */
    static List<String> query(Connection c, String sql, java.util.Set<String> jsonColumns) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            ResultSetMetaData md = r.getMetaData();
            while (r.next()) {
                StringBuilder line = new StringBuilder();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    String label = md.getColumnLabel(i);
                    line.append(i == 1 ? "" : " | ").append(label).append('=')
                            .append(jsonColumns.contains(label) ? json(r.getString(i)) : render(r, i, md.getColumnTypeName(i)));
                }
                out.add(line.toString());
            }
        }
        out.sort(null);
        return out;
    }

    /**
     * JSON compared as a tree (key order and spacing are not data); timetz as its UTC instant of the day; everything
     * else as the driver's text, which for the same type in the same session settings is the same on both sides.
     */
    static String render(ResultSet r, int i, String typeName) throws SQLException {
        String type = typeName.toLowerCase(java.util.Locale.ROOT);
        if (type.equals("json") || type.equals("jsonb")) {
            return json(r.getString(i));
        }
        if (type.equals("timetz")) {
            OffsetTime t = r.getObject(i, OffsetTime.class);
            return t == null ? "null" : t.withOffsetSameInstant(ZoneOffset.UTC).toString();
        }
        return String.valueOf(r.getString(i));
    }

    /** A JSON text as its tree's canonical text; null stays "null". */
    static String json(String text) {
        if (text == null) {
            return "null";
        }
        try {
            JsonNode tree = JSON.readTree(text);
            return JSON.writeValueAsString(JSON.treeToValue(tree, Object.class));
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
