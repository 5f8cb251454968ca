package io.ferry.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.event.ChangeEvent;
import io.ferry.core.event.TableId;
import io.ferry.core.schema.TableSchema;
import io.ferry.core.topic.TopicNames;
import io.ferry.devstack.KafkaService;
import io.ferry.devstack.PostgresService;
import io.ferry.devstack.Service;
import io.ferry.devstack.junit.WithServices;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every PostgreSQL column type a real schema uses, inserted at the source, read back as its exact canonical value. */
@WithServices({Service.POSTGRES, Service.KAFKA})
class PostgresTypesIT {


    private static final TypeMatrix MATRIX = new TypeMatrix();

    static {
        MATRIX.col("b", "boolean", "true", "true");
        MATRIX.col("i2", "smallint", "-32768", "-32768");
        MATRIX.col("i4", "integer", "2147483647", "2147483647");
        MATRIX.col("i8", "bigint", "-9223372036854775808", "-9223372036854775808");
        MATRIX.col("n", "numeric(12,2)", "12.50", "\"12.50\"");
        MATRIX.col("nu", "numeric", "123456789012345678901234567890.123456789", "\"123456789012345678901234567890.123456789\"");
        MATRIX.col("nnan", "numeric", "'NaN'", "\"NaN\"");
        MATRIX.col("r", "real", "0.1", "0.1");
        MATRIX.col("d", "double precision", "'-Infinity'", "\"-Infinity\"");
        MATRIX.col("d2", "double precision", "1.7976931348623157e308", "1.7976931348623157E308");
        MATRIX.col("m", "money", "-1234.56", "\"-1234.56\"");
        MATRIX.col("t", "text", "'Grüße, 世界 🚢'", "\"Grüße, 世界 🚢\"");
        MATRIX.col("vc", "varchar(20)", "'x'", "\"x\"");
        MATRIX.col("ch", "char(3)", "'ab'", "\"ab \"");
        MATRIX.col("by", "bytea", "'\\x00ff61'", "\"AP9h\"");
        MATRIX.col("u", "uuid", "'123E4567-E89B-12D3-A456-426614174000'", "\"123e4567-e89b-12d3-a456-426614174000\"");
        MATRIX.col("dt", "date", "'2024-02-29'", "\"2024-02-29\"");
        MATRIX.col("dinf", "date", "'infinity'", "\"infinity\"");
        MATRIX.col("dninf", "date", "'-infinity'", "\"-infinity\"");
        MATRIX.col("tm", "time(6)", "'23:59:59.999999'", "\"23:59:59.999999\"");
        MATRIX.col("ttz", "timetz", "'10:00:00+02'", "\"08:00:00.000000Z\"");
        MATRIX.col("ts", "timestamp(6)", "'2024-03-15 10:30:00.123456'", "\"2024-03-15T10:30:00.123456\"");
        MATRIX.col("tsinf", "timestamp", "'-infinity'", "\"-infinity\"");
        MATRIX.col("tspinf", "timestamp", "'infinity'", "\"infinity\"");
        MATRIX.col("tstzinf", "timestamptz", "'infinity'", "\"infinity\"");
        MATRIX.col("tstzninf", "timestamptz", "'-infinity'", "\"-infinity\"");
        MATRIX.col("tstz", "timestamptz", "'2024-03-15 12:30:00.5+02'", "\"2024-03-15T10:30:00.500000Z\"");
        MATRIX.col("iv", "interval", "'1 year 2 months 3 days 04:05:06.000007'", "\"P1Y2M3DT4H5M6.000007S\"");
        MATRIX.col("j", "json", "'{\"b\": 1,   \"a\": [true, null]}'", "\"{\\\"b\\\": 1,   \\\"a\\\": [true, null]}\"");
        MATRIX.col("jb", "jsonb", "'{\"b\": 1, \"a\": [true, null]}'", "\"{\\\"a\\\": [true, null], \\\"b\\\": 1}\"");
        MATRIX.col("arr", "integer[]", "'{1,NULL,3}'", "[1,null,3]");
        MATRIX.col("tarr", "text[]", "'{\"x\",\"y z\"}'", "[\"x\",\"y z\"]");
        MATRIX.col("e", "mood", "'happy'", "\"happy\"");
        MATRIX.col("ip", "inet", "'192.168.0.1/24'", "\"192.168.0.1/24\"");
        MATRIX.col("bits", "bit(4)", "B'1010'", "\"1010\"");
        MATRIX.col("nul", "text", "NULL", "null");
        // Debezium streams an interval's seconds through a double (1.238999999): rounded back to the microsecond
        MATRIX.col("ivf", "interval", "'3 mons 9 days 1.239 seconds'", "\"P3M9DT1.239S\"");
    }

    @Test
    void everyTypeReachesKafkaAsItsCanonicalValue(PostgresService pg, KafkaService kafka) throws Exception {
        pg.createDatabase("capture_types");
        try (Connection c = pg.connect("capture_types"); Statement s = c.createStatement()) {
            s.execute("CREATE TYPE mood AS ENUM ('sad', 'happy')");
            s.execute(MATRIX.createTable("int"));
            s.execute(MATRIX.insertRow(1)); // read by the snapshot, whose values come through JDBC, not the log
            s.execute("CREATE TABLE types_empty (LIKE types INCLUDING ALL)");
            // a type Ferry does not take (its rows are dead-lettered): without rows, no schema, and the launch goes on
            s.execute("CREATE TABLE shapes (id int PRIMARY KEY, p point)");
        }
        CaptureSettings settings = TestSources.postgres("pg-types", pg, "capture_types", kafka, "public.types", "public.types_empty",
                "public.shapes");
        try (Capture capture = Capture.start(settings, null);
                TopicReader reader = new TopicReader(kafka.bootstrapServers(), new TopicNames("pg-types").change(TableId.parse("public.types")))) {
            // then streamed, so the insert path and the update path are checked too: wait for streaming first
            reader.until(r -> r.stream().anyMatch(TopicReader.Received::heartbeat));
            try (Connection c = pg.connect("capture_types"); Statement s = c.createStatement()) {
                s.execute(MATRIX.insertRow(2));
                s.execute("UPDATE types SET vc = 'y' WHERE id = 2");
            }
            reader.until(r -> reader.rows().size() >= 3);
            MATRIX.assertRows(reader.rows(), "vc", "\"y\"");

            // A table without rows has its schema too, built from the catalog by Debezium's own code (a table's first row
            // brings it otherwise, and an empty related table held its mapping's targets): of every type the same as the
            // schema the snapshot's row of the same columns carries
            int snapshotVersion = reader.rows().stream().filter(rc -> rc.op() == ChangeEvent.Op.READ)
                    .map(ChangeEvent.RowChange::schemaVersion).findFirst().orElseThrow();
            List<TableSchema> schemas = TopicReader.schemas(kafka.bootstrapServers(), new TopicNames("pg-types").schemas());
            TableSchema ofRow = schemas.stream().filter(t -> t.table().equals(TableId.parse("public.types")) && t.version() == snapshotVersion)
                    .findFirst().orElseThrow();
            assertThat(schemas).filteredOn(t -> t.table().equals(TableId.parse("public.types_empty"))).singleElement().satisfies(t -> {
                assertThat(t.columns()).isEqualTo(ofRow.columns());
                assertThat(t.primaryKey()).isEqualTo(ofRow.primaryKey());
            });
            assertThat(schemas).noneSatisfy(t -> assertThat(t.table()).isEqualTo(TableId.parse("public.shapes")));

            // and the same as the schema its first streamed row carries (pgoutput's relation message, not the catalog)
            try (Connection c = pg.connect("capture_types"); Statement s = c.createStatement()) {
                s.execute(MATRIX.insertRow(1).replaceFirst("INSERT INTO types ", "INSERT INTO types_empty "));
            }
            try (TopicReader empty = new TopicReader(kafka.bootstrapServers(), new TopicNames("pg-types").change(TableId.parse("public.types_empty")))) {
                int streamed = empty.until(r -> !empty.rows().isEmpty()).stream().map(TopicReader.Received::event)
                        .filter(e -> e instanceof ChangeEvent.RowChange).map(e -> ((ChangeEvent.RowChange) e).schemaVersion()).findFirst()
                        .orElseThrow();
                assertThat(streamed).as("the schema version of types_empty's first streamed row").isEqualTo(1);
            }
        }
    }

}
