package io.ferry.capture.source;

import io.debezium.config.CommonConnectorConfig;
import io.debezium.config.Configuration;
import io.debezium.connector.common.CdcSourceTaskContext;
import io.debezium.connector.mariadb.MariaDbConnectorConfig;
import io.debezium.connector.mariadb.MariaDbDatabaseSchema;
import io.debezium.connector.mariadb.jdbc.MariaDbValueConverters;
import io.debezium.connector.mysql.MySqlConnectorConfig;
import io.debezium.connector.mysql.MySqlDatabaseSchema;
import io.debezium.connector.mysql.jdbc.MySqlValueConverters;
import io.debezium.relational.CustomConverterRegistry;
import io.debezium.relational.Tables;
import io.debezium.relational.ddl.DdlParser;
import io.ferry.core.event.TableId;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Connect schemas Debezium's MariaDB or MySQL connector gives tables' rows, built by its own code as its snapshot
 * builds them: the table's {@code SHOW CREATE TABLE} through its DDL parser into its schema component. For tables without
 * rows, which would otherwise have no schema until their first row (see {@link PostgresConnectSchemas}). The schema
 * history is an in-memory one here: nothing reaches the pipeline's history topic.
 */
final class BinlogConnectSchemas {

    private static final Logger log = LoggerFactory.getLogger(BinlogConnectSchemas.class);

    private BinlogConnectSchemas() {
    }

    /** One connector's schema component, fed one table's DDL at a time. */
    interface Catalog extends AutoCloseable {

        /** Parses a {@code CREATE TABLE} of {@code database} into the component. */
        void take(String database, String ddl);

        Optional<SourceDialect.ConnectSchemas> schemaOf(TableId table);

        @Override
        void close();
    }

    static Map<TableId, SourceDialect.ConnectSchemas> read(Properties debezium, Connection c, Collection<TableId> tables, boolean mariadb)
            throws SQLException {
        boolean caseInsensitive;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT @@lower_case_table_names")) {
            caseInsensitive = rs.next() && rs.getInt(1) != 0;
        }
        try (Catalog catalog = catalog(debezium, caseInsensitive, mariadb)) {
            Map<TableId, SourceDialect.ConnectSchemas> out = new HashMap<>();
            for (TableId t : tables) {
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SHOW CREATE TABLE " + quoted(t.namespace()) + "." + quoted(t.name()))) {
                    if (!rs.next()) {
                        continue;
                    }
                    catalog.take(t.namespace(), rs.getString(2));
                } catch (SQLException | RuntimeException e) {
                    // one table's trouble (dropped since, a DDL the parser does not take) leaves it to its first row only
                    log.warn("cannot build the schema of {} from its DDL (its first row brings it): {}", t, e.toString());
                    continue;
                }
                catalog.schemaOf(t).ifPresent(s -> out.put(t, s));
            }
            return out;
        }
    }

    /** The schema component of the connector capture runs, made as its connector task makes it. */
    static Catalog catalog(Properties debezium, boolean caseInsensitive, boolean mariadb) {
        Properties p = new Properties();
        p.putAll(debezium);
        p.put("schema.history.internal", "io.debezium.relational.history.MemorySchemaHistory");
        Configuration raw = Configuration.from(p);
        return mariadb ? new MariaDb(raw, caseInsensitive) : new MySql(raw, caseInsensitive);
    }

    /** The connector's custom converters ({@link ZeroDates}), which its task registers at its start and this component has not. */
    private static CustomConverterRegistry converters(Configuration raw, CommonConnectorConfig config) {
        return new io.debezium.converters.custom.CustomConverterServiceProvider().createService(raw, config.getServiceRegistry());
    }

    private static String quoted(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }

    private static void parse(DdlParser parser, String database, String ddl, boolean caseInsensitive,
            java.util.function.Consumer<io.debezium.relational.Table> refresh) {
        parser.setCurrentDatabase(database);
        Tables parsed = new Tables(caseInsensitive);
        parser.parse(ddl, parsed);
        parsed.tableIds().forEach(id -> refresh.accept(parsed.forTable(id)));
    }

    private static Optional<SourceDialect.ConnectSchemas> schemas(io.debezium.relational.TableSchema s) {
        return Optional.ofNullable(s).map(x -> new SourceDialect.ConnectSchemas(x.keySchema(), x.valueSchema()));
    }

    private static final class MariaDb extends MariaDbDatabaseSchema implements Catalog {

        private final boolean caseInsensitive;

        MariaDb(Configuration raw, boolean caseInsensitive) {
            this(raw, new MariaDbConnectorConfig(raw), caseInsensitive);
        }

        private MariaDb(Configuration raw, MariaDbConnectorConfig config, boolean caseInsensitive) {
            super(config, new MariaDbValueConverters(config.getDecimalMode(), config.getTemporalPrecisionMode(),
                    config.getBigIntUnsignedHandlingMode().asBigIntUnsignedMode(), config.binaryHandlingMode(),
                    config.isTimeAdjustedEnabled() ? MariaDbValueConverters::adjustTemporal : x -> x,
                    config.getEventConvertingFailureHandlingMode(), config.getServiceRegistry()),
                    config.getTopicNamingStrategy(CommonConnectorConfig.TOPIC_NAMING_STRATEGY), config.schemaNameAdjuster(),
                    caseInsensitive, converters(raw, config), new CdcSourceTaskContext<>(raw, config, Map.of()));
            this.caseInsensitive = caseInsensitive;
        }

        @Override
        public void take(String database, String ddl) {
            parse(getDdlParser(), database, ddl, caseInsensitive, this::refresh);
        }

        @Override
        public Optional<SourceDialect.ConnectSchemas> schemaOf(TableId table) {
            return schemas(schemaFor(new io.debezium.relational.TableId(table.namespace(), null, table.name())));
        }
    }

    /** Real MySQL's connector: exercised here by {@code BinlogConnectSchemasTest} on DDL text; against a server, Docker only. */
    private static final class MySql extends MySqlDatabaseSchema implements Catalog {

        private final boolean caseInsensitive;

        MySql(Configuration raw, boolean caseInsensitive) {
            this(raw, new MySqlConnectorConfig(raw), caseInsensitive);
        }

        private MySql(Configuration raw, MySqlConnectorConfig config, boolean caseInsensitive) {
            super(config, new MySqlValueConverters(config.getDecimalMode(), config.getTemporalPrecisionMode(),
                    config.getBigIntUnsignedHandlingMode().asBigIntUnsignedMode(), config.binaryHandlingMode(),
                    config.isTimeAdjustedEnabled() ? MySqlValueConverters::adjustTemporal : x -> x,
                    config.getEventConvertingFailureHandlingMode(), config.getServiceRegistry()),
                    config.getTopicNamingStrategy(CommonConnectorConfig.TOPIC_NAMING_STRATEGY), config.schemaNameAdjuster(),
                    caseInsensitive, converters(raw, config), new CdcSourceTaskContext<>(raw, config, Map.of()));
            this.caseInsensitive = caseInsensitive;
        }

        @Override
        public void take(String database, String ddl) {
            parse(getDdlParser(), database, ddl, caseInsensitive, this::refresh);
        }

        @Override
        public Optional<SourceDialect.ConnectSchemas> schemaOf(TableId table) {
            return schemas(schemaFor(new io.debezium.relational.TableId(table.namespace(), null, table.name())));
        }
    }
}
