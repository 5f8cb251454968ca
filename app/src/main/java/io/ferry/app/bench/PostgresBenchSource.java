package io.ferry.app.bench;

import io.ferry.devstack.PostgresService;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/** A database of devstack's PostgreSQL as the source. */
final class PostgresBenchSource implements BenchSource {

    private final PostgresService pg;
    private final String database;
    private final boolean wholeRows;

    /**
     * @param wholeRows REPLICA IDENTITY FULL on the table, as Ferry's direct path needs: then every contender's updates and
     *     deletes log the whole old row
     */
    PostgresBenchSource(PostgresService pg, String database, boolean wholeRows) {
        this.pg = pg;
        this.database = database;
        this.wholeRows = wholeRows;
    }

    @Override
    public void create(long rows) throws SQLException {
        drop();
        pg.createDatabase(database);
        try (Connection c = pg.connect(database)) {
            BenchTable.createAndFill(c, rows, BenchTable.Dialect.POSTGRES);
            if (wholeRows) {
                try (Statement s = c.createStatement()) {
                    s.execute("ALTER TABLE bench REPLICA IDENTITY FULL");
                }
            }
        }
    }

    @Override
    public Connection connect() throws SQLException {
        return pg.connect(database);
    }

    @Override
    public void drop() throws SQLException {
        drop(pg, database);
    }

    /** Drops a database, and first the replication slots left in it (a slot keeps its database). */
    static void drop(PostgresService pg, String database) throws SQLException {
        try (Connection admin = pg.connect("postgres"); Statement s = admin.createStatement()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (true) {
                try (ResultSet rs = s.executeQuery("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = '"
                        + database + "'")) {
                    while (rs.next()) {
                        // each row dropped one
                    }
                    break;
                } catch (SQLException e) {
                    // still in use by a walsender that is going away
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                    Bench.sleep(500);
                }
            }
            s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    @Override
    public String yaml() {
        return """
                  type: postgres
                  host: %s
                  port: %d
                  database: %s
                  user: %s
                  password: %s
                """.formatted(pg.host(), pg.port(), database, pg.user(), pg.password());
    }

    @Override
    public String table() {
        return "public." + BenchTable.NAME;
    }

    /** The postmaster: the parent of {@code c}'s backend. */
    @Override
    public long serverPid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            long backend = rs.getLong(1);
            if (!BenchSource.runs(backend, "postgres")) {
                return -1;
            }
            return ProcessHandle.of(backend).flatMap(ProcessHandle::parent).map(ProcessHandle::pid).orElse(-1L);
        }
    }
}
