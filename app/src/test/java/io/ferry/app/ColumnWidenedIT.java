package io.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferry.app.service.FerryService;
import io.ferry.app.service.Role;
import io.ferry.core.config.PipelineConfig;
import io.ferry.core.config.PipelineLoader;
import io.ferry.devstack.MysqlService;
import io.ferry.devstack.PostgresService;
import io.ferry.devstack.Service;
import io.ferry.devstack.junit.WithServices;
import io.ferry.validation.diff.ValidationReport;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Source columns widened while the service runs ({@code ALTER COLUMN ... TYPE}: more fraction digits, a longer string, a
 * larger integer, a double), PostgreSQL into a PostgreSQL and a MariaDB target whose tables the sinks made. The sinks
 * widen the target columns (evolution: evolve), so the widened values arrive whole. Before, PostgreSQL's
 * {@code numeric(10,2)} and MariaDB's {@code DECIMAL(10,2)} rounded the new fraction digits without a word, and the
 * longer strings and larger integers were dead-lettered by MariaDB.
 */
@WithServices({Service.POSTGRES, Service.MARIADB})
class ColumnWidenedIT {

    private static final String SRC = "widen_src";
    private static final String PG_DST = "widen_dst";
    private static final String MY_DST = "widen_dst";
    /** The same text on both engines: fixed-point decimals as written, the double to 6 significant digits. */
    private static final String PG_ROWS = "SELECT id, amount::text, name, n::text, round(ratio::numeric, 6)::text FROM items ORDER BY id";
    private static final String MY_ROWS = "SELECT id, CAST(amount AS CHAR), name, CAST(n AS CHAR), CAST(ROUND(ratio, 6) AS CHAR) FROM items ORDER BY id";

    @Test
    void widenedSourceColumnsWidenTheTargetColumns(PostgresService pg, MysqlService my) throws Exception {
        pg.createDatabase(SRC);
        pg.createDatabase(PG_DST);
        my.createDatabase(MY_DST);
        Sql.run(() -> pg.connect(SRC), "CREATE TABLE items (id INTEGER PRIMARY KEY, amount NUMERIC(10,2), name VARCHAR(20),"
                        + " n INTEGER, ratio REAL)",
                "INSERT INTO items SELECT g, g * 1.25, 'item ' || g, g * 1000, g / 8.0 FROM generate_series(1, 20) g");
        Path dataDir = UsersPipeline.freshDir("widen-it");
        Path file = dataDir.resolveSibling("widen-it.yaml");
        Files.writeString(file, """
                pipeline:
                  name: widen
                  data_dir: %s
                kafka:
                  partitions: 2
                source:
                  type: postgres
                  host: %s
                  port: %d
                  database: %s
                  user: %s
                  password: %s
                  tables: [public.items]
                  heartbeat: {interval: 500ms}
                mappings:
                  - to: items
                    from: public.items
                sinks:
                  - name: pg
                    type: postgres
                    url: '%s'
                    user: %s
                    password: %s
                  - name: maria
                    type: mariadb
                    url: '%s'
                    user: %s
                    password: %s
                validation:
                  continuous: false
                http: {enabled: false}
                """.formatted(dataDir, pg.host(), pg.port(), SRC, pg.user(), pg.password(), pg.jdbcUrl(PG_DST), pg.user(),
                pg.password(), my.jdbcUrl(MY_DST), my.user(), my.password()));
        PipelineConfig config = PipelineLoader.standard().load(file);

        try (FerryService service = new FerryService(config, EnumSet.allOf(Role.class), new SimpleMeterRegistry()).start()) {
            awaitTargetsMatch(pg, my);
            assertThat(Sql.rows(() -> my.connect(MY_DST), "SELECT CAST(amount AS CHAR) FROM items WHERE id = 1")).containsExactly("1.25");

            Sql.run(() -> pg.connect(SRC), "ALTER TABLE items ALTER COLUMN amount TYPE NUMERIC(14,4), ALTER COLUMN name TYPE VARCHAR(300),"
                            + " ALTER COLUMN n TYPE BIGINT, ALTER COLUMN ratio TYPE DOUBLE PRECISION",
                    "UPDATE items SET amount = 1.2345, ratio = 0.1234567 WHERE id = 1",
                    "INSERT INTO items VALUES (100, 1234567890.9876, repeat('long name ', 25), 9000000000, 1.0 / 3)");
            awaitTargetsMatch(pg, my);
            assertThat(Sql.rows(() -> my.connect(MY_DST), "SELECT CAST(amount AS CHAR), CAST(n AS CHAR) FROM items WHERE id = 100"))
                    .containsExactly("1234567890.9876|9000000000");
            ValidationReport report = service.validate();
            assertThat(report.clean()).as(report.summary()).isTrue();
        }
    }

    private static void awaitTargetsMatch(PostgresService pg, MysqlService my) {
        await().atMost(Duration.ofMinutes(3)).ignoreExceptionsInstanceOf(SQLException.class).untilAsserted(() -> {
            List<String> source = Sql.rows(() -> pg.connect(SRC), PG_ROWS);
            assertThat(Sql.rows(() -> pg.connect(PG_DST), PG_ROWS)).as("PostgreSQL target").isEqualTo(source);
            assertThat(Sql.rows(() -> my.connect(MY_DST), MY_ROWS)).as("MariaDB target").isEqualTo(source);
        });
    }
}
