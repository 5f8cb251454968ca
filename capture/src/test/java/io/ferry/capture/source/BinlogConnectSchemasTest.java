package io.ferry.capture.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.capture.convert.RecordConverter;
import io.ferry.core.event.TableId;
import io.ferry.core.schema.Column;
import io.ferry.core.schema.TableSchema;
import io.ferry.core.types.CanonicalType;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The schema component of Debezium's MySQL connector, which only Docker's real MySQL exercises against a server, builds a
 * table's schema from a {@code CREATE TABLE} as its MariaDB sibling does ({@code MariaDbTypesIT} checks that one against
 * the rows a server streams): the same columns, types and key through capture's conversion.
 */
class BinlogConnectSchemasTest {

    private static final TableId ORDERS = TableId.parse("shop.orders");
    private static final String DDL = """
            CREATE TABLE `orders` (
              `order_id` bigint(20) unsigned NOT NULL AUTO_INCREMENT,
              `customer` varchar(64) NOT NULL,
              `total` decimal(12,2) DEFAULT NULL,
              `placed_at` datetime(3) NOT NULL,
              `shipped` date DEFAULT NULL,
              `flag` tinyint(1) NOT NULL DEFAULT 0,
              `ratio` double DEFAULT NULL,
              `photo` blob DEFAULT NULL,
              `status` enum('new','paid') NOT NULL DEFAULT 'new',
              `updated_at` timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(),
              `legacy` date NOT NULL DEFAULT '0000-00-00',
              PRIMARY KEY (`order_id`)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4""";

    /** The properties capture gives the engine that shape a schema (DebeziumProperties and MysqlDialect). */
    private static Properties debezium(boolean mariadb) {
        Properties p = new Properties();
        p.put("connector.class", mariadb ? "io.debezium.connector.mariadb.MariaDbConnector" : "io.debezium.connector.mysql.MySqlConnector");
        p.put("topic.prefix", "schemas-test");
        p.put("database.hostname", "localhost");
        p.put("database.server.id", "6199");
        p.put("table.include.list", "shop\\.orders");
        p.put("decimal.handling.mode", "string");
        p.put("time.precision.mode", "adaptive_time_microseconds");
        p.put("binary.handling.mode", "bytes");
        p.put("bigint.unsigned.handling.mode", "precise");
        p.put("column.propagate.source.type", ".*");
        p.putAll(ZeroDates.properties(mariadb));
        return p;
    }

    private static TableSchema schema(boolean mariadb) {
        try (BinlogConnectSchemas.Catalog catalog = BinlogConnectSchemas.catalog(debezium(mariadb), false, mariadb)) {
            catalog.take("shop", DDL);
            SourceDialect.ConnectSchemas s = catalog.schemaOf(ORDERS).orElseThrow();
            return new RecordConverter("schemas-test", TableId.parse("shop.hb"), TableId.parse("shop.signal"), t -> List.of())
                    .schemaOf(ORDERS, s.row(), s.key());
        }
    }

    @Test
    void mysqlsConnectorBuildsTheSchemaMariaDbsDoes() {
        TableSchema mysql = schema(false);
        TableSchema mariadb = schema(true);
        Map<String, CanonicalType> kinds = mysql.columns().stream().collect(Collectors.toMap(Column::name, c -> c.type().kind()));
        assertThat(kinds).containsEntry("order_id", CanonicalType.UINT64).containsEntry("customer", CanonicalType.STRING)
                .containsEntry("total", CanonicalType.DECIMAL).containsEntry("placed_at", CanonicalType.TIMESTAMP)
                .containsEntry("shipped", CanonicalType.DATE).containsEntry("ratio", CanonicalType.FLOAT64)
                .containsEntry("photo", CanonicalType.BYTES).containsEntry("status", CanonicalType.ENUM)
                .containsEntry("updated_at", CanonicalType.TIMESTAMPTZ).containsEntry("legacy", CanonicalType.DATE).hasSize(11);
        assertThat(mysql.primaryKey()).containsExactly("order_id");
        assertThat(mysql.columns()).filteredOn(c -> c.name().equals("customer")).singleElement()
                .satisfies(c -> assertThat(c.nullable()).isFalse());
        // a NOT NULL date or time may hold a zero date, which capture takes as NULL (ZeroDates)
        assertThat(mysql.columns()).filteredOn(c -> List.of("placed_at", "updated_at", "legacy").contains(c.name()))
                .hasSize(3).allSatisfy(c -> assertThat(c.nullable()).as(c.name()).isTrue());
        assertThat(mariadb.columns()).isEqualTo(mysql.columns());
        assertThat(mariadb.primaryKey()).isEqualTo(mysql.primaryKey());
    }

    @Test
    void aTableTheParserIsNotGivenHasNoSchema() {
        try (BinlogConnectSchemas.Catalog catalog = BinlogConnectSchemas.catalog(debezium(false), false, false)) {
            assertThat(catalog.schemaOf(ORDERS)).isEmpty();
        }
    }
}
