package io.ferry.capture.source;

import io.debezium.config.Configuration;
import io.debezium.connector.mariadb.MariaDbConnectorConfig;
import io.debezium.connector.mariadb.jdbc.MariaDbValueConverters;
import io.debezium.connector.mysql.MySqlConnectorConfig;
import io.debezium.connector.mysql.jdbc.MySqlValueConverters;
import io.debezium.jdbc.JdbcValueConverters;
import io.debezium.relational.Column;
import io.debezium.relational.ValueConverter;
import io.debezium.spi.converter.CustomConverter;
import io.debezium.spi.converter.RelationalColumn;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.Properties;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.SchemaBuilder;

/**
 * MySQL's and MariaDB's zero dates ({@code '0000-00-00'}, {@code '0000-00-00 00:00:00'}, and dates with a zero month or
 * day) as NULL in every column. No target holds them. Debezium gives NULL for them in a nullable {@code DATE} or
 * {@code DATETIME} column, but in a {@code NOT NULL} one the column's default, else {@code 1970-01-01}: a date the source
 * never had, which validation (reading the source's zero date as NULL) then reports for ever. A {@code TIMESTAMP} zero
 * streamed from the binlog is {@code 1970-01-01T00:00:00Z} even in a nullable column (the snapshot reads NULL).
 *
 * <p>A Debezium custom converter ({@code converters}) for those columns: the column's own schema and conversion, made by
 * Debezium's value converters for the column as if it allowed NULL, so that every other value is exactly as without it.
 * The column is then nullable in Ferry's schema. A primary-key column holding a zero date has a NULL key value, which
 * capture dead-letters with the reason ({@code RecordConverter}).
 */
public final class ZeroDates implements CustomConverter<SchemaBuilder, RelationalColumn> {

    /** The converter's name in Debezium's {@code converters} list. */
    public static final String NAME = "ferry_zero_dates";
    /** Its setting naming the connector: {@code mariadb} or {@code mysql}. */
    public static final String CONNECTOR = "connector";

    private JdbcValueConverters converters;

    /** The Debezium properties that install it. */
    static java.util.Map<String, String> properties(boolean mariadb) {
        return java.util.Map.of("converters", NAME, NAME + ".type", ZeroDates.class.getName(),
                NAME + "." + CONNECTOR, mariadb ? "mariadb" : "mysql");
    }

    @Override
    public void configure(Properties props) {
        boolean mariadb = "mariadb".equals(props.getProperty(CONNECTOR));
        Configuration raw = Configuration.create().with("topic.prefix", "ferry").with("database.server.id", "1").build();
        if (mariadb) {
            MariaDbConnectorConfig config = new MariaDbConnectorConfig(raw);
            converters = new MariaDbValueConverters(config.getDecimalMode(), config.getTemporalPrecisionMode(),
                    config.getBigIntUnsignedHandlingMode().asBigIntUnsignedMode(), config.binaryHandlingMode(),
                    MariaDbValueConverters::adjustTemporal, config.getEventConvertingFailureHandlingMode(), config.getServiceRegistry());
        } else {
            MySqlConnectorConfig config = new MySqlConnectorConfig(raw);
            converters = new MySqlValueConverters(config.getDecimalMode(), config.getTemporalPrecisionMode(),
                    config.getBigIntUnsignedHandlingMode().asBigIntUnsignedMode(), config.binaryHandlingMode(),
                    MySqlValueConverters::adjustTemporal, config.getEventConvertingFailureHandlingMode(), config.getServiceRegistry());
        }
    }

    @Override
    public void converterFor(RelationalColumn field, ConverterRegistration<SchemaBuilder> registration) {
        boolean timestamp = field.jdbcType() == Types.TIMESTAMP_WITH_TIMEZONE;
        if (!timestamp && (field.isOptional() || (field.jdbcType() != Types.DATE && field.jdbcType() != Types.TIMESTAMP))) {
            return;
        }
        Column column = Column.editor().name(field.name()).jdbcType(field.jdbcType()).nativeType(field.nativeType())
                .type(field.typeName(), field.typeExpression()).length(field.length().orElse(Column.UNSET_INT_VALUE))
                .scale(field.scale().isPresent() ? field.scale().getAsInt() : null).optional(true).create();
        SchemaBuilder schema = converters.schemaBuilder(column);
        if (schema == null) {
            return;
        }
        schema.optional();
        ValueConverter own = converters.converter(column, new Field(field.name(), -1, schema.build()));
        registration.register(schema, value -> {
            if (value == null || timestamp && zeroInstant(value)) {
                return null;
            }
            if (value instanceof Integer || value instanceof Long || value instanceof String) {
                return value; // a default value, which Debezium converted already (TableSchemaBuilder)
            }
            return own.convert(value);
        });
    }

    /** A {@code TIMESTAMP}'s zero as the binlog gives it: the epoch's second, before the type's first valid second. */
    private static boolean zeroInstant(Object value) {
        Instant at = value instanceof ZonedDateTime z ? z.toInstant() : value instanceof OffsetDateTime o ? o.toInstant()
                : value instanceof Instant i ? i : null;
        return at != null && at.getEpochSecond() == 0;
    }
}
