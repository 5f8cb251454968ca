package io.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferry.app.service.FerryService;
import io.ferry.app.service.Role;
import io.ferry.core.config.PipelineConfig;
import io.ferry.core.config.PipelineLoader;
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
 * A mapping {@code from} a regular expression over shard tables, end to end on PostgreSQL and the embedded Kafka: the
 * shards merge into one target; a shard created while Ferry runs is taken in within seconds, and one created while it is
 * down at the next start, each with the rows it already had; a shard dropped at the source does not hold the markers back (its change topic got no more of them after a
 * restart, and the transform waited on it for ever: no drain completed, the lag only grew).
 */
@WithServices(Service.POSTGRES)
class ShardPatternIT {

    private static final String SRC = "shards_src";
    private static final String DST = "shards_dst";
    private static final String COLUMNS = "id, customer, amount";

    @Test
    void shardsMergeIntoOneTargetAsShardsComeAndGo(PostgresService pg) throws Exception {
        pg.createDatabase(SRC);
        pg.createDatabase(DST);
        for (int shard = 1; shard <= 2; shard++) {
            createShard(pg, shard, 300);
        }
        Path dataDir = UsersPipeline.freshDir("shards-it");
        Path file = dataDir.resolveSibling("shards-it.yaml");
        Files.writeString(file, """
                pipeline:
                  name: shards
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
                  tables: ['public\\.orders_\\d+']
                  heartbeat: {interval: 500ms}
                mappings:
                  - to: orders
                    from: 'public\\.orders_\\d+'
                sinks:
                  - name: pg
                    type: postgres
                    url: '%s'
                    user: %s
                    password: %s
                validation:
                  continuous: false
                http: {enabled: false}
                """.formatted(dataDir, pg.host(), pg.port(), SRC, pg.user(), pg.password(), pg.jdbcUrl(DST), pg.user(), pg.password()));
        PipelineConfig config = PipelineLoader.standard().load(file);

        try (FerryService service = new FerryService(config, EnumSet.allOf(Role.class), new SimpleMeterRegistry()).start()) {
            awaitTargetIs(pg, List.of(1, 2));
            Sql.run(pg, SRC, "INSERT INTO orders_1 VALUES (1301, 'late', 1.50)", "UPDATE orders_2 SET amount = 99.99 WHERE id = 2007",
                    "DELETE FROM orders_2 WHERE id = 2008");
            awaitTargetIs(pg, List.of(1, 2));
            service.drain(Duration.ofMinutes(1));
            assertClean(service.validate());

            // a shard made while Ferry runs: capture finds it within seconds, restarts Debezium to have it in the publication
            // and asks for a snapshot of its rows; then its changes
            createShard(pg, 3, 200);
            awaitTargetIs(pg, List.of(1, 2, 3));
            Sql.run(pg, SRC, "INSERT INTO orders_3 VALUES (3201, 'streamed', 7.00)", "DELETE FROM orders_3 WHERE id = 3005");
            // a shard emptied and dropped
            Sql.run(pg, SRC, "DELETE FROM orders_1");
            awaitTargetIs(pg, List.of(2, 3));
            service.drain(Duration.ofMinutes(1));
            Sql.run(pg, SRC, "DROP TABLE orders_1");
        }
        // a shard made while Ferry is down
        createShard(pg, 4, 150);

        try (FerryService service = new FerryService(config, EnumSet.allOf(Role.class), new SimpleMeterRegistry()).start()) {
            // the new shard's rows from before the start, then its changes
            awaitTargetIs(pg, List.of(2, 3, 4));
            Sql.run(pg, SRC, "INSERT INTO orders_4 VALUES (4201, 'after the start', 7.00)", "DELETE FROM orders_4 WHERE id = 4005");
            awaitTargetIs(pg, List.of(2, 3, 4));
            // the dropped shard's change topic and its partitions' last markers are still there
            service.drain(Duration.ofMinutes(1));
            assertClean(service.validate());

            // a shard dropped with its rows: a DROP is no row change, so the target keeps them, and validation, which skips
            // the shard it no longer finds, counts them as extra rows of the target (the cutover gate stays closed)
            Sql.run(pg, SRC, "DROP TABLE orders_3");
            service.drain(Duration.ofMinutes(1));
            ValidationReport report = service.validate();
            assertThat(report.clean()).as("validation: %s", report.tables()).isFalse();
            assertThat(report.tables()).singleElement().satisfies(t -> {
                assertThat(t.extra()).as("orders_3's 200 rows, one inserted and one deleted while running").isEqualTo(200);
                assertThat(t.missing()).isZero();
                assertThat(t.different()).isZero();
            });
        }
    }

    /** {@code orders_<shard>}: ids from shard × 1000 + 1, so keys are unique across shards. */
    private static void createShard(PostgresService pg, int shard, int rows) throws SQLException {
        int first = shard * 1000 + 1;
        Sql.run(pg, SRC, "CREATE TABLE orders_" + shard + " (id integer PRIMARY KEY, customer text NOT NULL, amount numeric(10,2) NOT NULL)",
                "INSERT INTO orders_" + shard + " SELECT g, 'customer ' || (g % 37), (g % 1000) / 10.0 FROM generate_series(" + first
                        + ", " + (first + rows - 1) + ") g");
    }

    private static void awaitTargetIs(PostgresService pg, List<Integer> shards) throws SQLException {
        String union = "(" + String.join(" UNION ALL ", shards.stream().map(s -> "SELECT " + COLUMNS + " FROM orders_" + s).toList())
                + ") shards";
        String expected = Sql.digest(pg, SRC, union, COLUMNS);
        await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> assertThat(Sql.digest(pg, DST, "orders", COLUMNS))
                .as("the target against shards %s", shards).isEqualTo(expected));
    }

    private static void assertClean(ValidationReport report) {
        assertThat(report.clean()).as("validation: %s", report.tables()).isTrue();
    }
}
