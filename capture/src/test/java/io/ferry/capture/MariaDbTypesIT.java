package io.ferry.capture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.core.event.ChangeEvent;
import io.ferry.core.event.TableId;
import io.ferry.core.topic.TopicNames;
import io.ferry.devstack.KafkaService;
import io.ferry.devstack.MysqlService;
import io.ferry.devstack.Service;
import io.ferry.devstack.junit.WithServices;
import java.sql.Connection;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/** Every MySQL/MariaDB column type a real schema uses, inserted at the source, read back as its exact canonical value. */
@WithServices({Service.MARIADB, Service.KAFKA})
class MariaDbTypesIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String[]> MATRIX = new LinkedHashMap<>();

    static {
        col("ti", "TINYINT", "-128", "-128");
        col("tiu", "TINYINT UNSIGNED", "255", "255");
        col("bool", "BOOLEAN", "TRUE", "1");
        col("si", "SMALLINT", "-32768", "-32768");
        col("mi", "MEDIUMINT", "8388607", "8388607");
        col("iu", "INT UNSIGNED", "4294967295", "4294967295");
        col("bi", "BIGINT", "-9223372036854775808", "-9223372036854775808");
        col("bu", "BIGINT UNSIGNED", "18446744073709551615", "18446744073709551615");
        col("dec12", "DECIMAL(12,2)", "12.50", "\"12.50\"");
        col("dec0", "DECIMAL(20,0)", "-99999999999999999999", "\"-99999999999999999999\"");
        col("f", "FLOAT", "0.5", "0.5");
        col("dbl", "DOUBLE", "1.7976931348623157e308", "1.7976931348623157E308");
        col("bt", "BIT(4)", "b'1010'", "\"1010\"");
        col("bt1", "BIT(1)", "b'1'", "true");
        col("ch", "CHAR(3)", "'ab'", "\"ab\"");
        col("vc", "VARCHAR(20)", "'Grüße, 世界 🚢'", "\"Grüße, 世界 🚢\"");
        col("tx", "TEXT", "'long text'", "\"long text\"");
        col("bl", "BLOB", "x'00ff61'", "\"AP9h\"");
        col("d", "DATE", "'2024-02-29'", "\"2024-02-29\"");
        col("dz", "DATE", "'0000-00-00'", "null");
        col("dt", "DATETIME(6)", "'2024-03-15 10:30:00.123456'", "\"2024-03-15T10:30:00.123456\"");
        col("dt0", "DATETIME", "'2024-03-15 10:30:00'", "\"2024-03-15T10:30:00.000000\"");
        col("dtz", "DATETIME", "'0000-00-00 00:00:00'", "null");
        col("ts", "TIMESTAMP(6) NULL", "'2024-03-15 10:30:00.123456'", "\"2024-03-15T10:30:00.123456Z\"");
        col("tm", "TIME(6)", "'838:59:59.000000'", "\"838:59:59.000000\"");
        col("tmn", "TIME", "'-01:30:00'", "\"-01:30:00.000000\"");
        col("y", "YEAR", "2024", "2024");
        col("e", "ENUM('new','in_progress','completed')", "'in_progress'", "\"in_progress\"");
        col("st", "SET('a','b','c')", "'a,c'", "\"a,c\"");
        col("js", "JSON", "'{\"b\": 1, \"a\": [true, null]}'", "\"{\\\"b\\\": 1, \\\"a\\\": [true, null]}\"");
        col("nul", "VARCHAR(5)", "NULL", "null");
    }

    private static void col(String name, String type, String literal, String expected) {
        MATRIX.put(name, new String[] {type, literal, expected});
    }

    @Test
    void everyTypeReachesKafkaAsItsCanonicalValue(MysqlService db, KafkaService kafka) throws Exception {
        db.createDatabase("types_db");
        StringBuilder ddl = new StringBuilder("CREATE TABLE types (id INT PRIMARY KEY");
        StringBuilder insert = new StringBuilder("INSERT INTO types VALUES (1");
        MATRIX.forEach((name, spec) -> {
            ddl.append(", ").append(name).append(' ').append(spec[0]);
            insert.append(", ").append(spec[1]);
        });
        try (Connection c = db.connect("types_db"); Statement s = c.createStatement()) {
            s.execute(ddl.append(")").toString());
        }
        CaptureSettings settings = TestSources.mariadb("maria-types", db, "types_db", kafka, 6102, "types_db\\.types");
        try (Capture capture = Capture.start(settings, null);
                TopicReader reader = new TopicReader(kafka.bootstrapServers(), new TopicNames("maria-types").change(TableId.parse("types_db.types")))) {
            reader.until(r -> r.stream().anyMatch(x -> x.event() instanceof ChangeEvent.MarkerEvent));
            try (Connection c = db.connect("types_db"); Statement s = c.createStatement()) {
                // zero dates are only accepted without the strict modes, as legacy applications run
                s.execute("SET SESSION sql_mode = ''");
                s.execute("SET SESSION time_zone = '+00:00'");
                s.execute(insert.append(")").toString());
                s.execute("UPDATE types SET nul = 'y' WHERE id = 1");
            }
            reader.until(r -> reader.rows().size() >= 2);
            SoftAssertions soft = new SoftAssertions();
            for (ChangeEvent.RowChange e : reader.rows()) {
                Map<String, String> actual = new LinkedHashMap<>();
                e.after().asMap().forEach((k, v) -> actual.put(k, write(v)));
                MATRIX.forEach((name, spec) -> {
                    String expected = name.equals("nul") && e.op() == ChangeEvent.Op.UPDATE ? "\"y\"" : spec[2];
                    soft.assertThat(actual.get(name)).as("%s %s (%s = %s)", e.op(), name, spec[0], spec[1]).isEqualTo(expected);
                });
            }
            soft.assertAll();
        }
    }

    private static String write(JsonNode v) {
        try {
            return JSON.writeValueAsString(v);
        } catch (Exception ex) {
            throw new AssertionError(ex);
        }
    }
}
