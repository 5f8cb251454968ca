package io.ferry.app.bench;

import io.ferry.devstack.MysqlService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** A database of devstack's MariaDB as the source (binlog in ROW format, GTIDs). */
final class MariaDbBenchSource implements BenchSource {

    /** Where Ferry keeps its heartbeat and signal tables on a MySQL-family source (source.heartbeat.schema's default). */
    private static final String FERRY_DATABASE = "ferry";

    private final MysqlService mariadb;
    private final String database;

    MariaDbBenchSource(MysqlService mariadb, String database) {
        this.mariadb = mariadb;
        this.database = database;
    }

    @Override
    public void create(long rows) throws SQLException {
        drop();
        mariadb.createDatabase(database);
        try (Connection c = mariadb.connect(database)) {
            BenchTable.createAndFill(c, rows, BenchTable.Dialect.MARIADB);
        }
    }

    @Override
    public Connection connect() throws SQLException {
        return mariadb.connect(database);
    }

    @Override
    public void drop() throws SQLException {
        try (Connection c = mariadb.connect(""); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database);
            s.execute("DROP DATABASE IF EXISTS " + FERRY_DATABASE);
        }
    }

    @Override
    public String yaml() {
        return """
                  type: mariadb
                  host: %s
                  port: %d
                  database: %s
                  user: %s
                  password: %s
                """.formatted(mariadb.host(), mariadb.port(), database, mariadb.user(), mariadb.password());
    }

    @Override
    public String table() {
        return database + "." + BenchTable.NAME;
    }

    /** From the server's pid file, when it is a file of this machine. */
    @Override
    public long serverPid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT @@pid_file")) {
            rs.next();
            String file = rs.getString(1);
            long pid = Long.parseLong(Files.readString(Path.of(file)).strip());
            return BenchSource.runs(pid, "mariadbd", "mysqld") ? pid : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
