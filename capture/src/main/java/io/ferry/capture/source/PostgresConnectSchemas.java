package io.ferry.capture.source;

import io.debezium.config.CommonConnectorConfig;
import io.debezium.config.Configuration;
import io.debezium.connector.common.CdcSourceTaskContext;
import io.debezium.connector.postgresql.PostgresConnectorConfig;
import io.debezium.connector.postgresql.PostgresSchema;
import io.debezium.connector.postgresql.PostgresValueConverter;
import io.debezium.connector.postgresql.connection.PostgresConnection;
import io.debezium.relational.CustomConverterRegistry;
import io.ferry.core.event.TableId;
import java.nio.charset.Charset;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The Connect schemas Debezium's PostgreSQL connector gives tables' rows, built by its own code from the catalog as its
 * snapshot builds them, without a row: capture publishes a table's schema with its first row, and a table without rows
 * (a related table still empty) would otherwise hold every target it takes part in (the sinks wait for the shape).
 * Debezium's schema component has a protected constructor: a subclass reaches it, and nothing else of it is used.
 */
final class PostgresConnectSchemas {

    private PostgresConnectSchemas() {
    }

    static Map<TableId, SourceDialect.ConnectSchemas> read(Properties debezium, Collection<TableId> tables) throws SQLException {
        Configuration raw = Configuration.from(debezium);
        PostgresConnectorConfig config = new PostgresConnectorConfig(raw);
        Charset charset;
        try (PostgresConnection probe = new PostgresConnection(config.getJdbcConfig(), "ferry schemas")) {
            charset = probe.getDatabaseCharset();
        }
        PostgresConnection.PostgresValueConverterBuilder values = registry -> PostgresValueConverter.of(config, charset, registry);
        try (PostgresConnection connection = new PostgresConnection(config.getJdbcConfig(), values, "ferry schemas")) {
            Catalog catalog = new Catalog(new CdcSourceTaskContext<>(raw, config, Map.of()), connection,
                    config.getTopicNamingStrategy(CommonConnectorConfig.TOPIC_NAMING_STRATEGY), values.build(connection.getTypeRegistry()));
            catalog.read(connection);
            Map<TableId, SourceDialect.ConnectSchemas> out = new HashMap<>();
            for (TableId t : tables) {
                io.debezium.relational.TableSchema s = catalog.schemaFor(new io.debezium.relational.TableId(null, t.namespace(), t.name()));
                if (s != null) {
                    out.put(t, new SourceDialect.ConnectSchemas(s.keySchema(), s.valueSchema()));
                }
            }
            return out;
        }
    }

    /** Debezium's PostgreSQL schema component, made as its connector task makes it. */
    private static final class Catalog extends PostgresSchema {

        Catalog(CdcSourceTaskContext<PostgresConnectorConfig> context, PostgresConnection connection,
                io.debezium.spi.topic.TopicNamingStrategy<io.debezium.relational.TableId> topics, PostgresValueConverter values) {
            super(context, connection.getDefaultValueConverter(), topics, values, new CustomConverterRegistry(List.of()));
        }

        void read(PostgresConnection connection) throws SQLException {
            refresh(connection, false);
        }
    }
}
