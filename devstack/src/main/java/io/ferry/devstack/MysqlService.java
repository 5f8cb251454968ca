package io.ferry.devstack;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A MySQL-family server with the binary log on, {@code binlog_format=ROW},
 * {@code binlog_row_image=FULL}, a {@code server_id} and GTIDs, in UTC.
 */
public interface MysqlService extends DevService {

    /** Which engine actually answers: the local provider runs MariaDB even where MySQL was asked for. */
    enum Flavor { MARIADB, MYSQL }

    Flavor flavor();

    /** A user with every privilege, grant option included. */
    String user();

    String password();

    /** JDBC URL (MariaDB Connector/J, which speaks to both engines) of the given database. */
    default String jdbcUrl(String database) {
        String url = "jdbc:mariadb://" + host() + ":" + port() + "/" + database;
        // MySQL 8's caching_sha2_password needs the server's key over a non-TLS connection.
        return flavor() == Flavor.MYSQL ? url + "?allowPublicKeyRetrieval=true" : url;
    }

    default Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), user(), password());
    }

    /** Creates a database unless it exists, in utf8mb4. */
    default void createDatabase(String name) {
        if (!name.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("database name must match [a-z_][a-z0-9_]*: " + name);
        }
        try (Connection c = connect(""); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS " + name + " CHARACTER SET utf8mb4");
        } catch (SQLException e) {
            throw new DevstackException("could not create database " + name + " on " + version(), e);
        }
    }
}
