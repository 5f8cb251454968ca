package io.ferry.sinks.jdbc;

/** The {@code mariadb} sink. */
public final class MariaDbSinkFactory extends JdbcSinkFactory {

    @Override
    public String identifier() {
        return "mariadb";
    }

    @Override
    public String description() {
        return "MariaDB, with INSERT … ON DUPLICATE KEY UPDATE … VALUES().";
    }

    @Override
    JdbcDialect dialect() {
        return new MysqlSinkDialect(true);
    }
}
