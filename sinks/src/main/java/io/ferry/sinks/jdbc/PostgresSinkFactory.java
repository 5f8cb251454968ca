package io.ferry.sinks.jdbc;

/** The {@code postgres} sink. */
public final class PostgresSinkFactory extends JdbcSinkFactory {

    @Override
    public String identifier() {
        return "postgres";
    }

    @Override
    public String description() {
        return "PostgreSQL, with INSERT … ON CONFLICT DO UPDATE.";
    }

    @Override
    JdbcDialect dialect() {
        return new PostgresSinkDialect();
    }
}
