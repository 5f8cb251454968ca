package io.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferry.app.service.FerryService;
import io.ferry.app.service.Role;
import io.ferry.app.service.StageStatus;
import io.ferry.core.config.PipelineConfig;
import io.ferry.core.config.PipelineLoader;
import io.ferry.core.event.TableId;
import io.ferry.core.topic.DeadLetter;
import io.ferry.core.topic.TopicNames;
import io.ferry.devstack.PostgresService;
import io.ferry.devstack.Service;
import io.ferry.devstack.junit.WithServices;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * {@code transform.direct}: a one-table mapping skips the transform stage and its sink maps the change topic itself,
 * next to a mapping with a lookup that stays on the transform, on a real PostgreSQL source and target and the
 * embedded Kafka: snapshot, live inserts, updates that leave a TOASTed value out of the log, a row leaving the
 * filter, a key change, a delete, a row that does not map (dead-lettered, then fixed), lag through the markers,
 * validation. And capture's refusal to start on a table without REPLICA IDENTITY FULL.
 */
@WithServices(Service.POSTGRES)
class DirectPathIT {

    private static final String SRC = "direct_src";
    private static final String DST = "direct_dst";

    @Test
    void oneTableMappingsSkipTheTransformAndKeepEveryContract(PostgresService pg) throws Exception {
        pg.createDatabase(SRC);
        pg.createDatabase(DST);
        Sql.run(pg, SRC, "DROP TABLE IF EXISTS notes, accounts",
                "CREATE TABLE accounts (id integer PRIMARY KEY, email text NOT NULL, name text, bio text, status text NOT NULL,"
                        + " score text)",
                "ALTER TABLE accounts REPLICA IDENTITY FULL",
                "CREATE TABLE notes (id integer PRIMARY KEY, account_id integer NOT NULL, body text)",
                // bio: ~20 kB of incompressible text, stored out of line (TOAST); left out of an update's log record
                // when unchanged, unless REPLICA IDENTITY FULL puts the old row in
                "INSERT INTO accounts SELECT g, 'User' || g || '@Example.com', 'user ' || g,"
                        + " (SELECT string_agg(md5(g::text || '-' || i), '') FROM generate_series(1, 600) i),"
                        + " CASE WHEN g % 10 = 0 THEN 'closed' ELSE 'open' END, (g % 100)::text FROM generate_series(1, 400) g",
                "INSERT INTO notes SELECT g, 1 + g % 400, 'note ' || g FROM generate_series(1, 800) g");
        Sql.run(pg, DST, "DROP TABLE IF EXISTS accounts, account_notes");
        Path dataDir = UsersPipeline.freshDir("direct-it-data");
        PipelineConfig config = config(pg, dataDir, SRC, DST);

        try (FerryService service = new FerryService(config, EnumSet.allOf(Role.class), new SimpleMeterRegistry()).start()) {
            await().atMost(Duration.ofMinutes(3)).untilAsserted(() -> assertThat(actual(pg)).isEqualTo(expected(pg)));
            await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> assertThat(notesActual(pg)).isEqualTo(notesExpected(pg)));
            assertThat(service.stages()).extracting(StageStatus::stage).contains("capture", "transform", "sink pg");

            Sql.run(pg, SRC, "INSERT INTO accounts VALUES (1001, 'New@Example.com', 'new', 'short bio', 'open', '5')",
                    "UPDATE accounts SET name = 'renamed' WHERE id = 7", // bio unchanged: out of line, not in the new tuple
                    "UPDATE accounts SET status = 'closed' WHERE id = 8", // leaves the filter: deleted from the target
                    "UPDATE accounts SET id = 2001 WHERE id = 9", // a key change: the old target row goes
                    "DELETE FROM accounts WHERE id = 11",
                    "INSERT INTO notes VALUES (5001, 7, 'one more')");
            await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> {
                assertThat(actual(pg)).isEqualTo(expected(pg));
                assertThat(notesActual(pg)).isEqualTo(notesExpected(pg));
            });
            // a change that does not map, alone in the sink's batch (with heartbeats only): dead-lettered, and the sink
            // goes on committing (a drain returns) instead of holding the batch for ever
            Sql.run(pg, SRC, "UPDATE accounts SET score = 'many' WHERE id = 12");
            service.drain(Duration.ofMinutes(1));
            List<String> expectedNow = expected(pg);
            expectedNow.removeIf(r -> r.startsWith("12|")); // the row that does not map keeps its last good version
            List<String> actualNow = actual(pg);
            actualNow.removeIf(r -> r.startsWith("12|"));
            assertThat(actualNow).isEqualTo(expectedNow);
            assertThat(actual(pg)).contains("12|user12@example.com|user 12|" + md5Of(pg, 12) + "|12");
            String bio7 = md5Of(pg, 7);
            assertThat(actual(pg)).anyMatch(r -> r.startsWith("7|user7@example.com|renamed|" + bio7 + "|"));
            assertThat(actual(pg)).noneMatch(r -> r.startsWith("8|") || r.startsWith("9|") || r.startsWith("11|"));
            List<DeadLetter> letters = DeadLetters.read(service.bootstrapServers(), config.pipeline().name());
            assertThat(letters).singleElement().satisfies(l -> {
                assertThat(l.stage()).isEqualTo(DeadLetter.Stage.TRANSFORM);
                assertThat(l.component()).isEqualTo("accounts");
                assertThat(l.reason()).isEqualTo("cannot map row for target 'accounts'");
                assertThat(l.error()).contains("many");
                assertThat(l.originTopic()).isEqualTo(new TopicNames(config.pipeline().name()).change(new TableId("public", "accounts")));
            });

            // the fix arrives as a new change, and the target agrees with the source again
            Sql.run(pg, SRC, "UPDATE accounts SET score = '77' WHERE id = 12");
            long drained = service.drain(Duration.ofMinutes(1));
            assertThat(actual(pg)).isEqualTo(expected(pg));
            // the markers reach the direct mapping's sink through the change topic: its lag is known
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(service.lag().orElseThrow().tables())
                    .filteredOn(l -> l.table().equals("accounts")).singleElement().satisfies(l -> {
                        assertThat(l.known()).isTrue();
                        assertThat(l.markerId()).isGreaterThanOrEqualTo(drained);
                    }));
            assertThat(service.validate().clean()).isTrue();
        }
    }

    @Test
    void captureRefusesATableWithoutFullReplicaIdentityAndSaysHowToFixIt(PostgresService pg) throws Exception {
        pg.createDatabase("direct_plain_src");
        pg.createDatabase("direct_plain_dst");
        Sql.run(pg, "direct_plain_src", "DROP TABLE IF EXISTS notes, accounts",
                "CREATE TABLE accounts (id integer PRIMARY KEY, email text NOT NULL, name text, bio text, status text NOT NULL,"
                        + " score text)",
                "CREATE TABLE notes (id integer PRIMARY KEY, account_id integer NOT NULL, body text)");
        Path dataDir = UsersPipeline.freshDir("direct-plain-it-data");
        PipelineConfig config = config(pg, dataDir, "direct_plain_src", "direct_plain_dst");
        try (FerryService service = new FerryService(config, EnumSet.allOf(Role.class), new SimpleMeterRegistry()).start()) {
            await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(service.stages())
                    .filteredOn(s -> s.stage().equals("capture")).singleElement()
                    .satisfies(s -> assertThat(s.detail()).contains("transform.direct: public.accounts has REPLICA IDENTITY DEFAULT",
                            "ALTER TABLE public.accounts REPLICA IDENTITY FULL", "set transform.direct: false")
                            .doesNotContain("public.notes")));
        }
    }

    @Test
    void aTableOnlyDirectMappingsReadIsCopiedInBulkWhileChangesGoOn(PostgresService pg) throws Exception {
        String src = "copy_src";
        String dst = "copy_dst";
        pg.createDatabase(src);
        pg.createDatabase(dst);
        Sql.run(pg, src, "DROP TABLE IF EXISTS items",
                "CREATE TABLE items (id integer PRIMARY KEY, email text NOT NULL, name text, status text NOT NULL, score text)",
                "ALTER TABLE items REPLICA IDENTITY FULL",
                "INSERT INTO items SELECT g, 'Item' || g || '@Example.com', 'item ' || g,"
                        + " CASE WHEN g % 10 = 0 THEN 'closed' ELSE 'open' END, (g % 100)::text FROM generate_series(1, 20000) g",
                "UPDATE items SET score = 'many' WHERE id = 12"); // does not map: dead-lettered by the copy
        Sql.run(pg, dst, "DROP TABLE IF EXISTS items");
        Path dataDir = UsersPipeline.freshDir("copy-it-data");
        Path file = dataDir.resolveSibling(dataDir.getFileName() + ".yaml");
        Files.writeString(file, """
                pipeline: {name: copy-it, data_dir: %s}
                kafka: {partitions: 2}
                source: {type: postgres, host: %s, port: %d, database: %s, user: %s, password: %s, tables: [public.items],
                  heartbeat: {interval: 1s}}
                transform: {direct: true}
                mappings:
                  - to: items
                    from: public.items
                    filter: "status <> 'closed'"
                    columns: {id: id, email: lower(email), name: name, score: {expr: score, cast: integer}}
                sinks:
                  - {name: pg, type: postgres, url: '%s', user: %s, password: %s}
                validation: {lag_threshold: 10s, stable_for: 2s, lag_interval: 1s, continuous: false}
                http: {enabled: false}
                """.formatted(dataDir, pg.host(), pg.port(), src, pg.user(), pg.password(), pg.jdbcUrl(dst), pg.user(), pg.password()));
        PipelineConfig config = PipelineLoader.standard().load(file);
        String expectedQuery = "SELECT id, lower(email), name, score, '' FROM items WHERE status <> 'closed' AND id <> 12 ORDER BY id";
        String actualQuery = "SELECT id, email, name, score, '' FROM items WHERE id <> 12 ORDER BY id";

        // changes of every kind go on while the service starts, copies and catches up
        java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicInteger changes = new java.util.concurrent.atomic.AtomicInteger();
        Thread writer = new Thread(() -> {
            java.util.Random random = new java.util.Random(7);
            try (Connection c = pg.connect(src); Statement st = c.createStatement()) {
                for (int n = 1; writing.get(); n++) {
                    int id = 13 + random.nextInt(19_000);
                    st.execute(switch (n % 5) {
                        case 0 -> "UPDATE items SET name = 'changed " + n + "' WHERE id = " + id;
                        case 1 -> "DELETE FROM items WHERE id = " + id;
                        case 2 -> "INSERT INTO items VALUES (" + (100_000 + n) + ", 'New" + n + "@Example.com', 'new', 'open', '1')";
                        case 3 -> "UPDATE items SET id = " + (200_000 + n) + " WHERE id = " + id; // a key move
                        default -> "UPDATE items SET status = CASE WHEN status = 'open' THEN 'closed' ELSE 'open' END WHERE id = " + id;
                    });
                    changes.incrementAndGet();
                    Thread.sleep(5);
                }
            } catch (SQLException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, "copy-it-writer");
        writer.start();
        try (FerryService service = new FerryService(config, EnumSet.allOf(Role.class), new SimpleMeterRegistry()).start()) {
            List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100)).until(() -> {
                StageStatus sink = service.stages().stream().filter(x -> x.stage().equals("sink pg")).findFirst().orElseThrow();
                seen.add(sink.state() + " " + sink.detail());
                return sink.state().equals("RUNNING") && seen.stream().anyMatch(x -> x.startsWith("SNAPSHOTTING bulk copy"));
            });
            Thread.sleep(2_000);
            writing.set(false);
            writer.join();
            assertThat(changes.get()).isGreaterThan(100);
            service.drain(Duration.ofMinutes(2));
            assertThat(rows(pg, dst, actualQuery)).isEqualTo(rows(pg, src, expectedQuery));

            // the table went to the target without its rows passing through Kafka: the change topic holds the changes and
            // the one row capture's snapshot read for the schema
            TopicNames names = new TopicNames(config.pipeline().name());
            String topic = names.change(new TableId("public", "items"));
            Properties p = new Properties();
            p.put("bootstrap.servers", service.bootstrapServers());
            p.put("group.id", names.sinkGroup("pg"));
            try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                List<TopicPartition> parts = c.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
                long records = c.endOffsets(parts).values().stream().mapToLong(Long::longValue).sum();
                assertThat(records).isLessThan(changes.get() + 1_000L); // heartbeats pass through it too
                assertThat(c.committed(new java.util.HashSet<>(parts)).values()).allSatisfy(o -> {
                    if (o != null) {
                        assertThat(o.metadata()).isEmpty(); // no copy in progress
                    }
                });
            }
            assertThat(DeadLetters.read(service.bootstrapServers(), config.pipeline().name())).singleElement().satisfies(l -> {
                assertThat(l.stage()).isEqualTo(DeadLetter.Stage.TRANSFORM);
                assertThat(l.reason()).isEqualTo("cannot map row for target 'items'");
                assertThat(l.error()).contains("many");
                assertThat(l.originTopic()).isEqualTo(topic);
                assertThat(l.originOffset()).isEqualTo(-1);
                assertThat(new String(l.originValue(), java.nio.charset.StandardCharsets.UTF_8)).contains("\"id\":12");
            });
            Sql.run(pg, src, "UPDATE items SET score = '12' WHERE id = 12");
            service.drain(Duration.ofMinutes(1));
            assertThat(rows(pg, dst, actualQuery.replace(" WHERE id <> 12", "")))
                    .isEqualTo(rows(pg, src, expectedQuery.replace(" AND id <> 12", "")));
            assertThat(service.validate().clean()).isTrue();
        } finally {
            writing.set(false);
            writer.join();
        }
    }

    private static PipelineConfig config(PostgresService pg, Path dataDir, String source, String target) throws Exception {
        Path file = dataDir.resolveSibling(dataDir.getFileName() + ".yaml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, """
                pipeline: {name: direct-it, data_dir: %s}
                kafka: {partitions: 2}
                source:
                  type: postgres
                  host: %s
                  port: %d
                  database: %s
                  user: %s
                  password: %s
                  tables: [public.accounts, public.notes]
                  heartbeat: {interval: 1s}
                transform: {direct: true}
                mappings:
                  - to: accounts
                    from: public.accounts
                    filter: "status <> 'closed'"
                    columns:
                      id: id
                      email: lower(email)
                      name: name
                      bio: bio
                      score: {expr: score, cast: integer}
                  - to: account_notes
                    from: public.accounts
                    related:
                      notes: {from: public.notes, on: {account_id: id}}
                    columns:
                      id: id
                      notes: count(notes)
                sinks:
                  - {name: pg, type: postgres, url: '%s', user: %s, password: %s}
                validation: {lag_threshold: 10s, stable_for: 2s, lag_interval: 1s, continuous: false}
                http: {enabled: false}
                """.formatted(dataDir, pg.host(), pg.port(), source, pg.user(), pg.password(), pg.jdbcUrl(target), pg.user(),
                pg.password()));
        return PipelineLoader.standard().load(file);
    }

    private static List<String> expected(PostgresService pg) throws SQLException {
        return rows(pg, SRC, "SELECT id, lower(email), name, md5(bio), score FROM accounts WHERE status <> 'closed' ORDER BY id");
    }

    private static List<String> actual(PostgresService pg) throws SQLException {
        try {
            return rows(pg, DST, "SELECT id, email, name, md5(bio), score FROM accounts ORDER BY id");
        } catch (SQLException e) {
            return List.of("(no table yet: " + e.getMessage() + ")");
        }
    }

    private static List<String> notesExpected(PostgresService pg) throws SQLException {
        return rows(pg, SRC, "SELECT a.id, count(n.id), '', '', '' FROM accounts a LEFT JOIN notes n ON n.account_id = a.id"
                + " GROUP BY a.id ORDER BY a.id");
    }

    private static List<String> notesActual(PostgresService pg) throws SQLException {
        try {
            return rows(pg, DST, "SELECT id, notes, '', '', '' FROM account_notes ORDER BY id");
        } catch (SQLException e) {
            return List.of("(no table yet: " + e.getMessage() + ")");
        }
    }

    private static String md5Of(PostgresService pg, int id) throws SQLException {
        return rows(pg, SRC, "SELECT md5(bio), '', '', '', '' FROM accounts WHERE id = " + id).get(0).split("\\|")[0];
    }

    private static List<String> rows(PostgresService pg, String database, String query) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = pg.connect(database); Statement s = c.createStatement(); ResultSet r = s.executeQuery(query)) {
            while (r.next()) {
                out.add(r.getString(1) + "|" + r.getString(2) + "|" + r.getString(3) + "|" + r.getString(4) + "|" + r.getString(5));
            }
        }
        return out;
    }
}
