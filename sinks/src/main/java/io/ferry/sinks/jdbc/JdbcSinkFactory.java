package io.ferry.sinks.jdbc;

import io.ferry.core.config.Option;
import io.ferry.core.config.OptionTypes;
import io.ferry.core.config.Secret;
import io.ferry.core.spi.Sink;
import io.ferry.core.spi.SinkContext;
import io.ferry.core.spi.SinkFactory;
import io.ferry.sinks.runtime.CommonSinkOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/** The relational sinks' shared factory: connection options, then the runtime's. */
public abstract class JdbcSinkFactory implements SinkFactory {

    static final Option<String> URL = Option.required("url", OptionTypes.string(),
            "JDBC URL of the target database (jdbc:postgresql://host:5432/db, jdbc:mariadb://host:3306/db).");
    static final Option<String> USER = Option.optional("user", OptionTypes.string(), "User to connect as.");
    static final Option<Secret> PASSWORD = Option.optional("password", OptionTypes.secret(), "Password of that user.");
    static final Option<String> SCHEMA = Option.optional("schema", OptionTypes.string(),
            "Schema (PostgreSQL) or database (MySQL/MariaDB) of the target tables. Left out: the connection's own.");

    @Override
    public List<Option<?>> options() {
        List<Option<?>> all = new ArrayList<>(List.of(URL, USER, PASSWORD, SCHEMA));
        all.addAll(CommonSinkOptions.ALL);
        return all;
    }

    abstract JdbcDialect dialect();

    @Override
    public Sink create(SinkContext context) {
        var o = context.options();
        Properties credentials = new Properties();
        o.find(USER).ifPresent(u -> credentials.setProperty("user", u));
        o.find(PASSWORD).ifPresent(p -> credentials.setProperty("password", p.reveal()));
        return new JdbcSink(dialect(), o.get(URL), credentials, o.find(SCHEMA).orElse(null), context,
                o.get(CommonSinkOptions.CREATE_TABLES), o.get(CommonSinkOptions.EVOLUTION));
    }
}
