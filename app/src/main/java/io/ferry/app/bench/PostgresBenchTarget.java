package io.ferry.app.bench;

import io.ferry.devstack.PostgresService;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/** A database of devstack's PostgreSQL as the target. */
final class PostgresBenchTarget implements BenchTarget {

    /** PostgreSQL's undefined_table: the sink has not created the table yet. */
    private static final String UNDEFINED_TABLE = "42P01";

    private final PostgresService pg;
    private final String database;

    PostgresBenchTarget(PostgresService pg, String database) {
        this.pg = pg;
        this.database = database;
    }

    @Override
    public void create(boolean table) throws SQLException {
        drop();
        pg.createDatabase(database);
        if (table) {
            try (Connection c = pg.connect(database)) {
                BenchTable.create(c);
            }
        }
    }

    @Override
    public String sinkYaml() {
        return """
                  - name: pg
                    type: postgres
                    url: jdbc:postgresql://%s:%d/%s
                    user: %s
                    password: %s
                """.formatted(pg.host(), pg.port(), database, pg.user(), pg.password());
    }

    @Override
    public Reader reader() throws SQLException {
        Connection c = pg.connect(database);
        return new Reader() {
            @Override
            public Map<Long, String> names(Collection<Long> ids) throws SQLException {
                Map<Long, String> out = new HashMap<>();
                try (PreparedStatement ps = c.prepareStatement(BenchTable.NAMES_OF)) {
                    ps.setArray(1, c.createArrayOf("bigint", ids.toArray()));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.put(rs.getLong(1), rs.getString(2));
                        }
                    }
                } catch (SQLException e) {
                    if (!UNDEFINED_TABLE.equals(e.getSQLState())) {
                        throw e;
                    }
                }
                return out;
            }

            @Override
            public void close() {
                try {
                    c.close();
                } catch (SQLException e) {
                    // going away anyway
                }
            }
        };
    }

    @Override
    public void drop() throws SQLException {
        PostgresBenchSource.drop(pg, database);
    }

    @Override
    public void close() {
    }
}
