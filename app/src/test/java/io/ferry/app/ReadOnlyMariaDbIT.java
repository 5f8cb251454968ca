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
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/**
 * {@code source.read_only: true} on MariaDB, the whole service in one process, into PostgreSQL: nothing is written into
 * the source, the lag comes from Debezium's own heartbeats (whose binlog offsets carry a commit time once a captured
 * change was processed), a validation's recheck waits on that lag, and a restart goes on. {@code ReadOnlySourceIT} is
 * the PostgreSQL one.
 */
@WithServices({Service.MARIADB, Service.POSTGRES})
class ReadOnlyMariaDbIT {

    private static final String SRC = "ro_maria_src";
    private static final String DST = "ro_maria_dst";
    private static final String FOOTPRINT = "ro_maria_ferry";

    @Test
    void replicatesWithoutWritingToTheSourceAndValidatesOnTheLag(MysqlService db, PostgresService pg) throws Exception {
        db.createDatabase(SRC);
        pg.createDatabase(DST);
        execute(db, "CREATE TABLE accounts (id INTEGER PRIMARY KEY, name VARCHAR(64) NOT NULL)",
                "INSERT INTO accounts SELECT seq, CONCAT('account ', seq) FROM seq_1_to_500",
                "CREATE TABLE ticks (id INTEGER PRIMARY KEY, n BIGINT NOT NULL)", "INSERT INTO ticks VALUES (1, 0)");
        Path dataDir = UsersPipeline.freshDir("ro-maria-it");
        Path file = dataDir.resolveSibling("ro-maria-it.yaml");
        Files.writeString(file, """
                pipeline:
                  name: ro-maria
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
                  tables: ['%s\\.accounts', '%s\\.ticks']
                  read_only: true
                  server_id: 6301
                  heartbeat: {interval: 500ms, schema: %s}
                mappings:
                  - to: accounts
                    from: %s.accounts
                sinks:
                  - name: pg
                    type: postgres
                    url: '%s'
                    user: %s
                    password: %s
                validation:
                  continuous: false
                  lag_threshold: 10s
                  lag_interval: 1s
                http: {enabled: false}
                """.formatted(dataDir, db.host(), db.port(), SRC, db.user(), db.password(), SRC, SRC, FOOTPRINT, SRC,
                pg.jdbcUrl(DST), pg.user(), pg.password()));
        PipelineConfig config = PipelineLoader.standard().load(file);

        try (ReadOnlyChecks.Ticker ticker = new ReadOnlyChecks.Ticker(() -> db.connect(SRC), "UPDATE ticks SET n = n + 1 WHERE id = 1")) {
            try (FerryService service = new FerryService(config, EnumSet.allOf(Role.class), new SimpleMeterRegistry()).start()) {
                awaitTargetMatches(db, pg);
                assertThat(databaseExists(db, FOOTPRINT)).as("no heartbeat or signal table in a read-only source").isFalse();

                ticker.start();
                execute(db, "INSERT INTO accounts VALUES (501, 'added')", "UPDATE accounts SET name = 'renamed' WHERE id = 7",
                        "DELETE FROM accounts WHERE id = 8");
                awaitTargetMatches(db, pg);

                // accounts has no changes now while ticks has many: Debezium's heartbeats carry the commit time of the last
                // change processed, so accounts' lag stays near the heartbeat interval instead of growing
                Thread.sleep(8_000);
                ReadOnlyChecks.awaitLagLow(service, "accounts");

                assertThat(service.validate().clean()).isTrue();
                try (Connection c = pg.connect(DST); Statement s = c.createStatement()) {
                    s.execute("DELETE FROM accounts WHERE id = 3");
                }
                ValidationReport report = service.validate();
                assertThat(report.tables()).filteredOn(t -> t.table().equals("accounts")).singleElement().satisfies(t -> {
                    assertThat(t.result()).isEqualTo(TableResult.DIFF);
                    assertThat(t.missing()).isEqualTo(1);
                });
                try (Connection c = pg.connect(DST); Statement s = c.createStatement()) {
                    s.execute("INSERT INTO accounts (id, name) VALUES (3, 'account 3')");
                }
            }
            // a restart on the busy source: streaming goes on from the stored binlog position, the lag is known again
            execute(db, "UPDATE accounts SET name = 'renamed while down' WHERE id = 9");
            try (FerryService service = new FerryService(config, EnumSet.allOf(Role.class), new SimpleMeterRegistry()).start()) {
                awaitTargetMatches(db, pg);
                Thread.sleep(8_000);
                ReadOnlyChecks.awaitLagLow(service, "accounts");
                assertThat(service.validate().clean()).isTrue();
            }
        }
    }

    private static void awaitTargetMatches(MysqlService db, PostgresService pg) {
        // the target table is made by the sink with the first rows
        String accounts = "SELECT id, name FROM accounts ORDER BY id";
        await().atMost(Duration.ofMinutes(3)).ignoreExceptionsInstanceOf(SQLException.class).untilAsserted(() ->
                assertThat(Sql.rows(() -> pg.connect(DST), accounts)).isEqualTo(Sql.rows(() -> db.connect(SRC), accounts)));
    }

    private static void execute(MysqlService db, String... statements) throws SQLException {
        Sql.run(() -> db.connect(SRC), statements);
    }

    private static boolean databaseExists(MysqlService db, String name) throws SQLException {
        try (Connection c = db.connect(SRC); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '" + name + "'")) {
            rs.next();
            return rs.getInt(1) > 0;
        }
    }
}
