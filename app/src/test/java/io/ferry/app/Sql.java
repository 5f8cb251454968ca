package io.ferry.app;

import io.ferry.devstack.PostgresService;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Statements and table digests on a devstack PostgreSQL database, for the service's integration tests. */
final class Sql {

    private Sql() {
    }

    static void run(PostgresService pg, String database, String... statements) throws SQLException {
        try (Connection c = pg.connect(database); Statement s = c.createStatement()) {
            for (String q : statements) {
                s.execute(q);
            }
        }
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
