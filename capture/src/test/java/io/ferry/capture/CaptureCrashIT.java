package io.ferry.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.event.ChangeEvent;
import io.ferry.core.event.TableId;
import io.ferry.core.topic.TopicNames;
import io.ferry.devstack.KafkaService;
import io.ferry.devstack.MysqlService;
import io.ferry.devstack.PostgresService;
import io.ferry.devstack.Service;
import io.ferry.devstack.junit.ChildJvm;
import io.ferry.devstack.junit.WithServices;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Killing a capture process at any moment and starting another loses no change. */
@WithServices({Service.POSTGRES, Service.MARIADB, Service.KAFKA})
class CaptureCrashIT {

    /** How to reach one engine's source and launch a capture process for it. */
    private record Source(String engine, String pipeline, String host, int port, String database, String user, String password,
            String table, java.util.concurrent.Callable<Connection> connect) {
        String[] args(KafkaService kafka) {
            return new String[] {engine, pipeline, host, Integer.toString(port), database, user, password, kafka.bootstrapServers(), table};
        }
    }

    @Test
    void aPostgresCaptureKilledWithSigkillMidStreamMissesNothingAfterRestart(PostgresService pg, KafkaService kafka) throws Exception {
        pg.createDatabase("capture_crash");
        try (Connection c = pg.connect("capture_crash"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE events (id int PRIMARY KEY, payload text)");
            s.execute("INSERT INTO events SELECT g, 'snap' FROM generate_series(1, 200) g");
        }
        killMidStream(new Source("postgres", "pg-crash", pg.host(), pg.port(), "capture_crash", pg.user(), pg.password(),
                "public.events", () -> pg.connect("capture_crash")), kafka);
    }

    @Test
    void aMariaDbCaptureKilledWithSigkillMidStreamResumesByGtidAndMissesNothing(MysqlService db, KafkaService kafka) throws Exception {
        db.createDatabase("capture_crash");
        try (Connection c = db.connect("capture_crash"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE events (id INT PRIMARY KEY, payload VARCHAR(10))");
            s.execute("INSERT INTO events SELECT seq, 'snap' FROM seq_1_to_200");
        }
        killMidStream(new Source("mariadb", "maria-crash", db.host(), db.port(), "capture_crash", db.user(), db.password(),
                "capture_crash.events", () -> db.connect("capture_crash")), kafka);
    }

    private void killMidStream(Source source, KafkaService kafka) throws Exception {
        String topic = new TopicNames(source.pipeline()).change(TableId.parse(source.table()));
        Process first = launch(source, kafka);
        int next = 201;
        try (Connection c = source.connect().call();
                PreparedStatement insert = c.prepareStatement("INSERT INTO events VALUES (?, 'live')");
                TopicReader progress = new TopicReader(kafka.bootstrapServers(), topic)) {
            for (; next <= 350; next++) {
                insert.setInt(1, next);
                insert.executeUpdate();
            }
            // the first process is streaming live rows...
            progress.until(r -> ids(progress).contains(300));
            for (; next <= 700; next++) {
                insert.setInt(1, next);
                insert.executeUpdate();
                if (next == 450) {
                    // ...when it is killed with SIGKILL: no clean shutdown, its offsets lag what Kafka holds
                    first.destroyForcibly();
                    first.waitFor(30, TimeUnit.SECONDS);
                }
            }
            Process second = launch(source, kafka);
            try {
                for (; next <= 800; next++) {
                    insert.setInt(1, next);
                    insert.executeUpdate();
                }
                try (TopicReader reader = new TopicReader(kafka.bootstrapServers(), topic)) {
                    reader.until(r -> ids(reader).size() == 800);
                    assertThat(ids(reader)).isEqualTo(range(1, 800));
                    // at-least-once into the change topic: a replay may repeat changes, never skip one
                    assertThat(reader.rows().size()).isGreaterThanOrEqualTo(800);
                    // stamps grow strictly along each partition, across the kill and the takeover
                    var byPartition = reader.until(r -> true).stream().collect(java.util.stream.Collectors.groupingBy(
                            TopicReader.Received::partition, java.util.stream.Collectors.mapping(x -> x.event().source().stampUs(),
                                    java.util.stream.Collectors.toList())));
                    byPartition.values().forEach(stamps -> {
                        assertThat(stamps).doesNotContain(0L);
                        for (int i = 1; i < stamps.size(); i++) {
                            assertThat(stamps.get(i)).as("stamp %d of a partition", i).isGreaterThan(stamps.get(i - 1));
                        }
                    });
                }
            } finally {
                second.destroy();
                second.waitFor(60, TimeUnit.SECONDS);
            }
        } finally {
            first.destroyForcibly();
        }
    }

    @Test
    void aSourceRestartIsRiddenOutWithoutLoss(PostgresService pg, KafkaService kafka) throws Exception {
        pg.createDatabase("capture_restart");
        try (Connection c = pg.connect("capture_restart"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE events (id int PRIMARY KEY)");
        }
        CaptureSettings settings = TestSources.postgres("pg-src-restart", pg, "capture_restart", kafka, "public.events");
        String topic = new TopicNames("pg-src-restart").change(TableId.parse("public.events"));
        try (Capture capture = Capture.start(settings, null); TopicReader reader = new TopicReader(kafka.bootstrapServers(), topic)) {
            reader.until(r -> r.stream().anyMatch(TopicReader.Received::heartbeat));
            insert(pg, "capture_restart", 1, 100);
            pg.restart();
            insert(pg, "capture_restart", 101, 200);
            reader.until(r -> ids(reader).size() == 200);
            assertThat(ids(reader)).isEqualTo(range(1, 200));
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                    .until(() -> capture.state() == Capture.State.RUNNING);
        }
    }

    private static void insert(PostgresService pg, String db, int from, int to) throws Exception {
        try (Connection c = pg.connect(db); PreparedStatement ps = c.prepareStatement("INSERT INTO events VALUES (?)")) {
            for (int i = from; i <= to; i++) {
                ps.setInt(1, i);
                ps.executeUpdate();
            }
        }
    }

    private static Set<Integer> ids(TopicReader reader) {
        return reader.rows().stream().map(ChangeEvent.RowChange::key).map(k -> k.get("id").asInt())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<Integer> range(int from, int to) {
        Set<Integer> s = new TreeSet<>();
        for (int i = from; i <= to; i++) {
            s.add(i);
        }
        return s;
    }

    private static Process launch(Source source, KafkaService kafka) {
        return ChildJvm.start(CaptureProcess.class, "512m", "capturing", source.args(kafka));
    }
}
