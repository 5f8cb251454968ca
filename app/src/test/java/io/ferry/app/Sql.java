package io.ferry.app;

import io.ferry.devstack.PostgresService;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Statements, query results and table digests on devstack databases, for the service's integration tests. */
final class Sql {

    private Sql() {
    }

    /** Opens a connection to a database. */
    interface Source {
        Connection connect() throws SQLException;
    }

    static void run(PostgresService pg, String database, String... statements) throws SQLException {
        run(() -> pg.connect(database), statements);
    }

    /** Runs the statements, each committed, on a connection of their own. */
    static void run(Source source, String... statements) throws SQLException {
        try (Connection c = source.connect(); Statement s = c.createStatement()) {
            for (String q : statements) {
                s.execute(q);
            }
        }
    }

    /** A query's rows, each its columns' text joined by '|'. */
    static List<String> rows(Source source, String query) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = source.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    row.append(i > 1 ? "|" : "").append(rs.getString(i));
                }
                out.add(row.toString());
            }
        }
        return out;
    }

    /**
     * A table's row count and the sum of its rows' hashes ({@code columns} joined by '|'): equal tables give equal digests.
     * "no table" while it does not exist.
     */
    static String digest(PostgresService pg, String database, String table, String columns) throws SQLException {
        try (Connection c = pg.connect(database); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*),"
                + " coalesce(sum(hashtext(concat_ws('|', " + columns + "))::bigint), 0) FROM " + table)) {
            rs.next();
            return rs.getLong(1) + " rows, hash sum " + rs.getLong(2);
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return "no table";
            }
            throw e;
        }
    }
}
