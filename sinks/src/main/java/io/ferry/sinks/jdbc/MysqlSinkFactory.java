package io.ferry.sinks.jdbc;

/** The {@code mysql} sink. */
public final class MysqlSinkFactory extends JdbcSinkFactory {

    @Override
    public String identifier() {
        return "mysql";
    }

    @Override
    public String description() {
        return "MySQL 8, with INSERT … AS new_row ON DUPLICATE KEY UPDATE (MariaDB's driver connects: use a jdbc:mariadb:// URL).";
    }

    @Override
    JdbcDialect dialect() {
        return new MysqlSinkDialect(false);
    }
}
