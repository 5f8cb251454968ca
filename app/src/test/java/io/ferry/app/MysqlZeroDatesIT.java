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
import io.ferry.validation.diff.TableResult;
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
 * MariaDB's zero dates ({@code '0000-00-00'}, and a zero month or day), which its default {@code sql_mode} lets a legacy
 * application write, into PostgreSQL, snapshotted and streamed. Every one arrives as NULL, in nullable and {@code NOT NULL}
 * columns, {@code DATE}, {@code DATETIME} and {@code TIMESTAMP} alike, and validation, reading the source's zero dates as
 * NULL too, passes. Before, Debezium gave a {@code NOT NULL} column's zero date as its default or {@code 1970-01-01}, and
 * a streamed {@code TIMESTAMP} zero as the epoch even in a nullable column: dates the source never had, which validation
 * reported for ever (a zero month or day failed it). A zero date as a primary key is dead-lettered with the reason.
 */
@WithServices({Service.MARIADB, Service.POSTGRES})
class MysqlZeroDatesIT {

    private static final String SRC = "zero_dates_src";
    private static final String DST = "zero_dates_dst";
    private static final String ROWS = "SELECT id, d, dt, dn, d2, ts, tn, dt6 FROM events ORDER BY id";

    @Test
    void zeroDatesArriveAsNullAndValidationAgrees(MysqlService db, PostgresService pg) throws Exception {
        db.createDatabase(SRC);
        pg.createDatabase(DST);
        Sql.run(() -> db.connect(SRC), "SET SESSION sql_mode = ''",
                "CREATE TABLE events (id INTEGER PRIMARY KEY, d DATE NOT NULL, dt DATETIME NOT NULL DEFAULT '0000-00-00 00:00:00',"
                        + " dn DATE NULL, d2 DATE NOT NULL DEFAULT '2000-01-01', ts TIMESTAMP NOT NULL DEFAULT '0000-00-00 00:00:00',"
                        + " tn TIMESTAMP NULL DEFAULT NULL, dt6 DATETIME(6) NOT NULL)",
                "CREATE TABLE daily (day DATE NOT NULL PRIMARY KEY, n INTEGER)",
                "INSERT INTO events VALUES (1, '0000-00-00', '0000-00-00 00:00:00', '0000-00-00', '0000-00-00', 0, 0, 0),"
                        + " (2, '2024-01-02', '2024-01-02 03:04:05', '2024-01-02', '2024-01-02', '2024-01-02 03:04:05',"
                        + " '2024-01-02 03:04:05', '2024-01-02 03:04:05.123456')",
                "INSERT INTO daily VALUES ('0000-00-00', 1), ('2024-01-01', 2)");
        Path dataDir = UsersPipeline.freshDir("zero-dates-it");
        Path file = dataDir.resolveSibling("zero-dates-it.yaml");
        Files.writeString(file, """
                pipeline:
                  name: zero-dates
                  data_dir: %s
                kafka:
                  partitions: 2
                source:
                  type: mariadb
                  host: %s
                  port: %d
                  database: %s
                  user: %s
                  password: %s
                  tables: ['%s\\.events', '%s\\.daily']
                  server_id: 6321
                  heartbeat: {interval: 500ms}
                mappings:
                  - to: events
                    from: %s.events
                  - to: daily
                    from: %s.daily
                sinks:
                  - name: pg
                    type: postgres
                    url: '%s'
                    user: %s
                    password: %s
                validation:
                  continuous: false
                http: {enabled: false}
                """.formatted(dataDir, db.host(), db.port(), SRC, db.user(), db.password(), SRC, SRC, SRC, SRC,
                pg.jdbcUrl(DST), pg.user(), pg.password()));
        PipelineConfig config = PipelineLoader.standard().load(file);

        try (FerryService service = new FerryService(config, EnumSet.allOf(Role.class), new SimpleMeterRegistry()).start()) {
            await().atMost(Duration.ofMinutes(3)).ignoreExceptionsInstanceOf(SQLException.class).untilAsserted(() ->
                    assertThat(Sql.rows(() -> pg.connect(DST), "SELECT id FROM events ORDER BY id")).containsExactly("1", "2"));
            Sql.run(() -> db.connect(SRC), "SET SESSION sql_mode = ''",
                    "INSERT INTO events VALUES (3, '0000-00-00', '0000-00-00 00:00:00', '0000-00-00', '0000-00-00', 0, 0, '2024-00-00')",
                    "INSERT INTO events (id, d, dt6) VALUES (4, '2024-05-06', '2024-05-06 07:08:09.5')",
                    "UPDATE events SET dt = '2025-01-01 00:00:00', ts = '2025-01-01 00:00:00', tn = '2025-01-01 00:00:00' WHERE id = 1",
                    "UPDATE events SET d = '2024-00-15', dt6 = '2024-07-00 01:02:03' WHERE id = 2");
            await().atMost(Duration.ofMinutes(3)).ignoreExceptionsInstanceOf(SQLException.class).untilAsserted(() ->
                    assertThat(Sql.rows(() -> pg.connect(DST), "SELECT id, d, dt6 FROM events ORDER BY id")).containsExactly(
                            "1|null|null", "2|null|null", "3|null|null", "4|2024-05-06|2024-05-06 07:08:09.5"));
            assertThat(Sql.rows(() -> pg.connect(DST), "SELECT id, d, dt, dn, d2, ts::text, tn::text, dt6 FROM events ORDER BY id"))
                    .containsExactly("1|null|2025-01-01 00:00:00|null|null|2025-01-01 00:00:00+00|2025-01-01 00:00:00+00|null",
                            "2|null|2024-01-02 03:04:05|2024-01-02|2024-01-02|2024-01-02 03:04:05+00|2024-01-02 03:04:05+00|null",
                            "3|null|null|null|null|null|null|null",
                            // ts and dt took their zero defaults; d2 its real one
                            "4|2024-05-06|null|null|2000-01-01|null|null|2024-05-06 07:08:09.5");
            assertThat(Sql.rows(() -> pg.connect(DST), "SELECT day, n FROM daily ORDER BY day")).containsExactly("2024-01-01|2");
            assertThat(DeadLetters.read(service.bootstrapServers(), config.pipeline().name())).singleElement().satisfies(l -> {
                assertThat(l.component()).isEqualTo(SRC + ".daily");
                assertThat(l.error()).contains("primary key column 'day'", "zero date");
            });

            ValidationReport report = service.validate();
            assertThat(report.tables()).filteredOn(t -> t.table().equals("events")).singleElement()
                    .satisfies(t -> assertThat(t.result()).as(t.detail()).isEqualTo(TableResult.MATCH));
            assertThat(report.tables()).filteredOn(t -> t.table().equals("daily")).singleElement()
                    .satisfies(t -> assertThat(t.result()).as("the dead-lettered row is reported").isNotEqualTo(TableResult.MATCH));
        }
    }
}
