package io.ferry.devstack;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** A PostgreSQL server with {@code wal_level=logical}, replication slots and WAL senders enabled. */
public interface PostgresService extends DevService {

    /** A superuser, which may also open replication connections. */
    String user();

    String password();

    /** JDBC URL of the given database on this server. */
    default String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port() + "/" + database;
    }

    /** JDBC URL of the default {@code postgres} database. */
    default String jdbcUrl() {
        return jdbcUrl("postgres");
    }

    /** Opens a connection to the given database as {@link #user()}; the caller closes it. */
    default Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), user(), password());
    }

    /** Creates a database unless it exists, so test classes can keep their data apart. */
    default void createDatabase(String name) {
        if (!name.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("database name must match [a-z_][a-z0-9_]*: " + name);
        }
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            var rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name + "'");
            if (!rs.next()) {
                s.execute("CREATE DATABASE " + name);
            }
        } catch (SQLException e) {
            throw new DevstackException("could not create database " + name + " on " + version(), e);
        }
    }
}
