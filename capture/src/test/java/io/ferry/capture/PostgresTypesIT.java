package io.ferry.capture;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.core.event.ChangeEvent;
import io.ferry.core.event.TableId;
import io.ferry.core.topic.TopicNames;
import io.ferry.devstack.KafkaService;
import io.ferry.devstack.PostgresService;
import io.ferry.devstack.Service;
import io.ferry.devstack.junit.WithServices;
import java.sql.Connection;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every PostgreSQL column type a real schema uses, inserted at the source, read back as its exact canonical value. */
@WithServices({Service.POSTGRES, Service.KAFKA})
class PostgresTypesIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** column → (type, SQL literal, expected canonical JSON) */
    private static final Map<String, String[]> MATRIX = new LinkedHashMap<>();

    static {
        col("b", "boolean", "true", "true");
        col("i2", "smallint", "-32768", "-32768");
        col("i4", "integer", "2147483647", "2147483647");
        col("i8", "bigint", "-9223372036854775808", "-9223372036854775808");
        col("n", "numeric(12,2)", "12.50", "\"12.50\"");
        col("nu", "numeric", "123456789012345678901234567890.123456789", "\"123456789012345678901234567890.123456789\"");
        col("nnan", "numeric", "'NaN'", "\"NaN\"");
        col("r", "real", "0.1", "0.1");
        col("d", "double precision", "'-Infinity'", "\"-Infinity\"");
        col("d2", "double precision", "1.7976931348623157e308", "1.7976931348623157E308");
        col("m", "money", "-1234.56", "\"-1234.56\"");
        col("t", "text", "'Grüße, 世界 🚢'", "\"Grüße, 世界 🚢\"");
        col("vc", "varchar(20)", "'x'", "\"x\"");
        col("ch", "char(3)", "'ab'", "\"ab \"");
        col("by", "bytea", "'\\x00ff61'", "\"AP9h\"");
        col("u", "uuid", "'123E4567-E89B-12D3-A456-426614174000'", "\"123e4567-e89b-12d3-a456-426614174000\"");
        col("dt", "date", "'2024-02-29'", "\"2024-02-29\"");
        col("dinf", "date", "'infinity'", "\"infinity\"");
        col("dninf", "date", "'-infinity'", "\"-infinity\"");
        col("tm", "time(6)", "'23:59:59.999999'", "\"23:59:59.999999\"");
        col("ttz", "timetz", "'10:00:00+02'", "\"08:00:00.000000Z\"");
        col("ts", "timestamp(6)", "'2024-03-15 10:30:00.123456'", "\"2024-03-15T10:30:00.123456\"");
        col("tsinf", "timestamp", "'-infinity'", "\"-infinity\"");
        col("tspinf", "timestamp", "'infinity'", "\"infinity\"");
        col("tstzinf", "timestamptz", "'infinity'", "\"infinity\"");
        col("tstzninf", "timestamptz", "'-infinity'", "\"-infinity\"");
        col("tstz", "timestamptz", "'2024-03-15 12:30:00.5+02'", "\"2024-03-15T10:30:00.500000Z\"");
        col("iv", "interval", "'1 year 2 months 3 days 04:05:06.000007'", "\"P1Y2M3DT4H5M6.000007S\"");
        col("j", "json", "'{\"b\": 1,   \"a\": [true, null]}'", "\"{\\\"b\\\": 1,   \\\"a\\\": [true, null]}\"");
        col("jb", "jsonb", "'{\"b\": 1, \"a\": [true, null]}'", "\"{\\\"a\\\": [true, null], \\\"b\\\": 1}\"");
        col("arr", "integer[]", "'{1,NULL,3}'", "[1,null,3]");
        col("tarr", "text[]", "'{\"x\",\"y z\"}'", "[\"x\",\"y z\"]");
        col("e", "mood", "'happy'", "\"happy\"");
        col("ip", "inet", "'192.168.0.1/24'", "\"192.168.0.1/24\"");
        col("bits", "bit(4)", "B'1010'", "\"1010\"");
        col("nul", "text", "NULL", "null");
    }

    private static void col(String name, String type, String literal, String expected) {
        MATRIX.put(name, new String[] {type, literal, expected});
    }

    @Test
    void everyTypeReachesKafkaAsItsCanonicalValue(PostgresService pg, KafkaService kafka) throws Exception {
        pg.createDatabase("capture_types");
        StringBuilder ddl = new StringBuilder("CREATE TABLE types (id int PRIMARY KEY");
        StringBuilder insert = new StringBuilder("INSERT INTO types VALUES (1");
        MATRIX.forEach((name, spec) -> {
            ddl.append(", ").append(name).append(' ').append(spec[0]);
            insert.append(", ").append(spec[1]);
        });
        try (Connection c = pg.connect("capture_types"); Statement s = c.createStatement()) {
            s.execute("CREATE TYPE mood AS ENUM ('sad', 'happy')");
            s.execute(ddl.append(")").toString());
        }
        CaptureSettings settings = TestSources.postgres("pg-types", pg, "capture_types", kafka, "public.types");
        try (Capture capture = Capture.start(settings, null);
                TopicReader reader = new TopicReader(kafka.bootstrapServers(), new TopicNames("pg-types").change(TableId.parse("public.types")))) {
            // streamed (not snapshot) so both the insert path and the update path are checked: wait for streaming first
            reader.until(r -> r.stream().anyMatch(x -> x.event() instanceof ChangeEvent.MarkerEvent));
            try (Connection c = pg.connect("capture_types"); Statement s = c.createStatement()) {
                s.execute(insert.append(")").toString());
                s.execute("UPDATE types SET vc = 'y' WHERE id = 1");
            }
            reader.until(r -> reader.rows().size() >= 2);
            org.assertj.core.api.SoftAssertions soft = new org.assertj.core.api.SoftAssertions();
            for (ChangeEvent.RowChange e : reader.rows()) {
                Map<String, String> actual = new LinkedHashMap<>();
                e.after().asMap().forEach((k, v) -> actual.put(k, write(v)));
                MATRIX.forEach((name, spec) -> {
                    String expected = name.equals("vc") && e.op() == ChangeEvent.Op.UPDATE ? "\"y\"" : spec[2];
                    soft.assertThat(actual.get(name)).as("%s %s (%s = %s)", e.op(), name, spec[0], spec[1]).isEqualTo(expected);
                });
            }
            soft.assertAll();
        }
    }

    private static String write(com.fasterxml.jackson.databind.JsonNode v) {
        try {
            return JSON.writeValueAsString(v);
        } catch (Exception ex) {
            throw new AssertionError(ex);
        }
    }
}
