package io.ferry.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.event.ChangeEvent;
import io.ferry.core.event.TableId;
import io.ferry.core.topic.TopicNames;
import io.ferry.devstack.KafkaService;
import io.ferry.devstack.MysqlService;
import io.ferry.devstack.Service;
import io.ferry.devstack.junit.WithServices;
import io.ferry.core.schema.TableSchema;
import io.ferry.core.types.CanonicalType;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every MySQL/MariaDB column type a real schema uses, inserted at the source, read back as its exact canonical value. */
@WithServices({Service.MARIADB, Service.KAFKA})
class MariaDbTypesIT {

    private static final TypeMatrix MATRIX = new TypeMatrix();

    static {
        MATRIX.col("ti", "TINYINT", "-128", "-128");
        MATRIX.col("tiu", "TINYINT UNSIGNED", "255", "255");
        MATRIX.col("bool", "BOOLEAN", "TRUE", "1");
        MATRIX.col("si", "SMALLINT", "-32768", "-32768");
        MATRIX.col("mi", "MEDIUMINT", "8388607", "8388607");
        MATRIX.col("iu", "INT UNSIGNED", "4294967295", "4294967295");
        MATRIX.col("bi", "BIGINT", "-9223372036854775808", "-9223372036854775808");
        MATRIX.col("bu", "BIGINT UNSIGNED", "18446744073709551615", "18446744073709551615");
        MATRIX.col("dec12", "DECIMAL(12,2)", "12.50", "\"12.50\"");
        MATRIX.col("dec0", "DECIMAL(20,0)", "-99999999999999999999", "\"-99999999999999999999\"");
        MATRIX.col("decu", "DECIMAL(10,2) UNSIGNED", "12.50", "\"12.50\"");
        MATRIX.col("f", "FLOAT", "0.5", "0.5");
        MATRIX.col("dbl", "DOUBLE", "1.7976931348623157e308", "1.7976931348623157E308");
        MATRIX.col("bt", "BIT(4)", "b'1010'", "\"1010\"");
        MATRIX.col("bt1", "BIT(1)", "b'1'", "true");
        MATRIX.col("ch", "CHAR(3)", "'ab'", "\"ab\"");
        MATRIX.col("vc", "VARCHAR(20)", "'Grüße, 世界 🚢'", "\"Grüße, 世界 🚢\"");
        MATRIX.col("tx", "TEXT", "'long text'", "\"long text\"");
        MATRIX.col("bl", "BLOB", "x'00ff61'", "\"AP9h\"");
        MATRIX.col("d", "DATE", "'2024-02-29'", "\"2024-02-29\"");
        MATRIX.col("dz", "DATE", "'0000-00-00'", "null");
        MATRIX.col("dt", "DATETIME(6)", "'2024-03-15 10:30:00.123456'", "\"2024-03-15T10:30:00.123456\"");
        MATRIX.col("dt0", "DATETIME", "'2024-03-15 10:30:00'", "\"2024-03-15T10:30:00.000000\"");
        MATRIX.col("dtz", "DATETIME", "'0000-00-00 00:00:00'", "null");
        MATRIX.col("ts", "TIMESTAMP(6) NULL", "'2024-03-15 10:30:00.123456'", "\"2024-03-15T10:30:00.123456Z\"");
        MATRIX.col("tm", "TIME(6)", "'838:59:59.000000'", "\"838:59:59.000000\"");
        MATRIX.col("tmn", "TIME", "'-01:30:00'", "\"-01:30:00.000000\"");
        MATRIX.col("y", "YEAR", "2024", "2024");
        MATRIX.col("e", "ENUM('new','in_progress','completed')", "'in_progress'", "\"in_progress\"");
        MATRIX.col("st", "SET('a','b','c')", "'a,c'", "\"a,c\"");
        MATRIX.col("js", "JSON", "'{\"b\": 1, \"a\": [true, null]}'", "\"{\\\"b\\\": 1, \\\"a\\\": [true, null]}\"");
        MATRIX.col("nul", "VARCHAR(5)", "NULL", "null");
    }

    @Test
    void everyTypeReachesKafkaAsItsCanonicalValue(MysqlService db, KafkaService kafka) throws Exception {
        db.createDatabase("types_db");
        try (Connection c = db.connect("types_db"); Statement s = c.createStatement()) {
            s.execute(MATRIX.createTable("INT"));
        }
        CaptureSettings settings = TestSources.mariadb("maria-types", db, "types_db", kafka, 6102, "types_db\\.types");
        try (Capture capture = Capture.start(settings, null);
                TopicReader reader = new TopicReader(kafka.bootstrapServers(), new TopicNames("maria-types").change(TableId.parse("types_db.types")))) {
            reader.until(r -> r.stream().anyMatch(TopicReader.Received::heartbeat));
            // no row yet: the schema came from the catalog, at the launch
            assertThat(TopicReader.schemas(kafka.bootstrapServers(), new TopicNames("maria-types").schemas()))
                    .anySatisfy(t -> assertThat(t.table()).isEqualTo(TableId.parse("types_db.types")));
            try (Connection c = db.connect("types_db"); Statement s = c.createStatement()) {
                // zero dates are only accepted without the strict modes, as legacy applications run
                s.execute("SET SESSION sql_mode = ''");
                s.execute("SET SESSION time_zone = '+00:00'");
                s.execute(MATRIX.insertRow());
                s.execute("UPDATE types SET nul = 'y' WHERE id = 1");
            }
            reader.until(r -> reader.rows().size() >= 2);
            MATRIX.assertRows(reader.rows(), "nul", "\"y\"");
        }
        // MariaDB's JSON is a LONGTEXT with a json_valid check to the binlog and SHOW CREATE TABLE: typed JSON all the same
        List<TableSchema> versions = TopicReader.schemas(kafka.bootstrapServers(), new TopicNames("maria-types").schemas()).stream()
                .filter(t -> t.table().equals(TableId.parse("types_db.types"))).toList();
        // the schema from the catalog, through Debezium's DDL parser, is of every type the same as the one its streamed rows
        // carry (a difference would have made a second version)
        assertThat(versions).as("the schema versions of types_db.types").singleElement();
        TableSchema schema = versions.get(0);
        assertThat(schema.columns()).filteredOn(c -> c.name().equals("js")).singleElement()
                .satisfies(c -> assertThat(c.type().kind()).isEqualTo(CanonicalType.JSON));
        assertThat(schema.columns()).filteredOn(c -> c.name().equals("tx")).singleElement()
                .satisfies(c -> assertThat(c.type().kind()).isEqualTo(CanonicalType.STRING));
        // an unsigned decimal is a decimal (it was typed as BIGINT UNSIGNED, and the target column made for it lost the cents)
        assertThat(schema.columns()).filteredOn(c -> c.name().equals("decu")).singleElement().satisfies(c -> {
            assertThat(c.type().kind()).isEqualTo(CanonicalType.DECIMAL);
            assertThat(c.type().precision()).isEqualTo(10);
            assertThat(c.type().scale()).isEqualTo(2);
        });
    }


}
