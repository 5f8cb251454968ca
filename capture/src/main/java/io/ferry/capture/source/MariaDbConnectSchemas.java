package io.ferry.capture.source;

import io.debezium.config.CommonConnectorConfig;
import io.debezium.config.Configuration;
import io.debezium.connector.common.CdcSourceTaskContext;
import io.debezium.connector.mariadb.MariaDbConnectorConfig;
import io.debezium.connector.mariadb.MariaDbDatabaseSchema;
import io.debezium.connector.mariadb.jdbc.MariaDbValueConverters;
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
import java.util.Properties;

/**
 * The Connect schemas Debezium's MariaDB connector gives tables' rows, built by its own code as its snapshot builds them:
 * the table's {@code SHOW CREATE TABLE} through its DDL parser into its schema component. For tables without rows, which
 * would otherwise have no schema until their first row (see {@link PostgresConnectSchemas}). The schema history is an
 * in-memory one here: nothing reaches the pipeline's history topic.
 */
final class MariaDbConnectSchemas {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(MariaDbConnectSchemas.class);

    private MariaDbConnectSchemas() {
    }

    static Map<TableId, SourceDialect.ConnectSchemas> read(Properties debezium, Connection c, Collection<TableId> tables)
            throws SQLException {
        Properties p = new Properties();
        p.putAll(debezium);
        p.put("schema.history.internal", "io.debezium.relational.history.MemorySchemaHistory");
        Configuration raw = Configuration.from(p);
        MariaDbConnectorConfig config = new MariaDbConnectorConfig(raw);
        MariaDbValueConverters values = new MariaDbValueConverters(config.getDecimalMode(), config.getTemporalPrecisionMode(),
                config.getBigIntUnsignedHandlingMode().asBigIntUnsignedMode(), config.binaryHandlingMode(),
                config.isTimeAdjustedEnabled() ? MariaDbValueConverters::adjustTemporal : x -> x,
                config.getEventConvertingFailureHandlingMode(), config.getServiceRegistry());
        boolean caseInsensitive;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT @@lower_case_table_names")) {
            caseInsensitive = rs.next() && rs.getInt(1) != 0;
        }
        Catalog catalog = new Catalog(config, values, caseInsensitive, new CdcSourceTaskContext<>(raw, config, Map.of()));
        try {
            Map<TableId, SourceDialect.ConnectSchemas> out = new HashMap<>();
            for (TableId t : tables) {
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SHOW CREATE TABLE " + quoted(t.namespace()) + "." + quoted(t.name()))) {
                    if (!rs.next()) {
                        continue;
                    }
                    catalog.take(t.namespace(), rs.getString(2), caseInsensitive);
                } catch (SQLException | RuntimeException e) {
                    // one table's trouble (dropped since, a DDL the parser does not take) leaves it to its first row only
                    log.warn("cannot build the schema of {} from its DDL (its first row brings it): {}", t, e.toString());
                    continue;
                }
                io.debezium.relational.TableSchema s = catalog.schemaFor(new io.debezium.relational.TableId(t.namespace(), null, t.name()));
                if (s != null) {
                    out.put(t, new SourceDialect.ConnectSchemas(s.keySchema(), s.valueSchema()));
                }
            }
            return out;
        } finally {
            catalog.close();
        }
    }

    private static String quoted(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }

    /** Debezium's MariaDB schema component, made as its connector task makes it, fed one table's DDL at a time. */
    private static final class Catalog extends MariaDbDatabaseSchema {

        Catalog(MariaDbConnectorConfig config, MariaDbValueConverters values, boolean caseInsensitive,
                CdcSourceTaskContext<MariaDbConnectorConfig> context) {
            super(config, values, config.getTopicNamingStrategy(CommonConnectorConfig.TOPIC_NAMING_STRATEGY), config.schemaNameAdjuster(),
                    caseInsensitive, new CustomConverterRegistry(List.of()), context);
        }

        void take(String database, String ddl, boolean caseInsensitive) {
            DdlParser parser = getDdlParser();
            parser.setCurrentDatabase(database);
            Tables parsed = new Tables(caseInsensitive);
            parser.parse(ddl, parsed);
            parsed.tableIds().forEach(id -> refresh(parsed.forTable(id)));
        }
    }
}
