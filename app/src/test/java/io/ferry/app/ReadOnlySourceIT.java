package io.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferry.app.service.FerryService;
import io.ferry.app.service.Role;
import io.ferry.core.config.PipelineConfig;
import io.ferry.core.config.PipelineLoader;
import io.ferry.core.event.ChangeEvent;
import io.ferry.core.event.ChangeEventCodec;
import io.ferry.core.event.Marker;
import io.ferry.core.event.TableId;
import io.ferry.core.topic.TopicNames;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.EnumSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * {@code source.read_only: true}, the whole service in one process: nothing is written into the source, the lag comes
 * from Debezium's own heartbeats (so a table without recent changes on a busy source is not reported far behind), and a
 * validation's recheck waits on that lag instead of a heartbeat Ferry cannot write.
 */
@WithServices(Service.POSTGRES)
class ReadOnlySourceIT {

    private static final String SRC = "readonly_src";
    private static final String DST = "readonly_dst";

    @Test
    void replicatesWithoutWritingToTheSourceAndValidatesOnTheLag(PostgresService pg) throws Exception {
        pg.createDatabase(SRC);
        pg.createDatabase(DST);
        Sql.run(pg, SRC, "CREATE TABLE accounts (id integer PRIMARY KEY, name text NOT NULL)",
                "INSERT INTO accounts SELECT g, 'account ' || g FROM generate_series(1, 500) g",
                "CREATE TABLE ticks (id integer PRIMARY KEY, n bigint NOT NULL)", "INSERT INTO ticks VALUES (1, 0)");
        Path dataDir = UsersPipeline.freshDir("readonly-it");
        Path file = dataDir.resolveSibling("readonly-it.yaml");
        Files.writeString(file, """
                pipeline:
                  name: readonly
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
                  tables: [public.accounts, public.ticks]
                  read_only: true
                  heartbeat: {interval: 500ms}
                mappings:
                  - to: accounts
                    from: public.accounts
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
                """.formatted(dataDir, pg.host(), pg.port(), SRC, pg.user(), pg.password(), pg.jdbcUrl(DST), pg.user(), pg.password()));
        PipelineConfig config = PipelineLoader.standard().load(file);

        try (ReadOnlyChecks.Ticker ticker = new ReadOnlyChecks.Ticker(() -> pg.connect(SRC), "UPDATE ticks SET n = n + 1 WHERE id = 1")) {
            firstRun(pg, config, ticker);
            // a restart: the heartbeats of the new launch must still pass the transform and the sinks, which drop a marker id
            // not above the last they passed (the ids started again at 1 on every launch)
            long restartUs = System.currentTimeMillis() * 1_000;
            try (FerryService service = new FerryService(config, EnumSet.allOf(Role.class), new SimpleMeterRegistry()).start()) {
                // long enough for the first launch's last applied position to age past the bound below
                Thread.sleep(8_000);
                ReadOnlyChecks.awaitLagLow(service, "accounts");
                List<Long> ids = heartbeatIds(service.bootstrapServers());
                assertThat(ids).as("heartbeat ids on the change topic, both launches").isSortedAccordingTo(Comparator.naturalOrder())
                        .doesNotHaveDuplicates();
                assertThat(ids.stream().filter(id -> id > restartUs).count()).as("ids of the second launch above the first's")
                        .isGreaterThanOrEqualTo(5);
            }
        }
    }

    private static void firstRun(PostgresService pg, PipelineConfig config, ReadOnlyChecks.Ticker ticker) throws Exception {
        try (FerryService service = new FerryService(config, EnumSet.allOf(Role.class), new SimpleMeterRegistry()).start()) {
            await().atMost(Duration.ofMinutes(3)).untilAsserted(() -> assertThat(accounts(pg, DST)).isEqualTo(accounts(pg, SRC)));
            assertThat(schemaExists(pg, SRC, "ferry")).as("no heartbeat or signal table in a read-only source").isFalse();

            ticker.start();
            Sql.run(pg, SRC, "INSERT INTO accounts VALUES (501, 'added')", "UPDATE accounts SET name = 'renamed' WHERE id = 7",
                    "DELETE FROM accounts WHERE id = 8");
            await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(accounts(pg, DST)).isEqualTo(accounts(pg, SRC)));

            // accounts now has no changes while ticks has many: Debezium's heartbeats pass its partitions with the commit
            // time of the last change processed, so its lag stays near the heartbeat interval instead of growing
            Thread.sleep(8_000);
            ReadOnlyChecks.awaitLagLow(service, "accounts");

            assertThat(service.validate().clean()).isTrue();
            // a real difference, made behind Ferry's back: confirmed by rechecks that wait on the lag, not on a heartbeat
            Sql.run(pg, DST, "DELETE FROM accounts WHERE id = 3");
            ValidationReport report = service.validate();
            assertThat(report.tables()).filteredOn(t -> t.table().equals("accounts")).singleElement().satisfies(t -> {
                assertThat(t.result()).isEqualTo(TableResult.DIFF);
                assertThat(t.missing()).isEqualTo(1);
            });
        }
    }

    /** The ids of the heartbeat markers on partition 0 of accounts' change topic, in order. */
    private static List<Long> heartbeatIds(String bootstrap) {
        List<Long> ids = new ArrayList<>();
        TopicPartition tp = new TopicPartition(new TopicNames("readonly").change(new TableId("public", "accounts")), 0);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", bootstrap,
                "isolation.level", "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            while (c.position(tp) < end) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofSeconds(1))) {
                    if (ChangeEventCodec.decode(r.key(), r.value()) instanceof ChangeEvent.MarkerEvent m
                            && m.marker().kind() == Marker.Kind.HEARTBEAT) {
                        ids.add(m.marker().id());
                    }
                }
            }
        }
        return ids;
    }

    private static boolean schemaExists(PostgresService pg, String database, String schema) throws SQLException {
        try (Connection c = pg.connect(database); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM information_schema.schemata WHERE schema_name = '" + schema + "'")) {
            rs.next();
            return rs.getInt(1) > 0;
        }
    }

    /** The accounts table's digest ({@link Sql#digest}). */
    private static String accounts(PostgresService pg, String database) throws SQLException {
        return Sql.digest(pg, database, "accounts", "id, name");
    }
}
