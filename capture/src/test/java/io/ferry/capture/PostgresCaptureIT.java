package io.ferry.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.event.ChangeEvent;
import io.ferry.core.event.Marker;
import io.ferry.core.event.TableId;
import io.ferry.core.topic.TopicNames;
import io.ferry.devstack.KafkaService;
import io.ferry.devstack.PostgresService;
import io.ferry.devstack.Service;
import io.ferry.devstack.junit.WithServices;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

@WithServices({Service.POSTGRES, Service.KAFKA})
class PostgresCaptureIT {

    @Test
    void noDataSnapshotStreamsOnlyNewChanges(PostgresService pg, KafkaService kafka) throws Exception {
        pg.createDatabase("capture_nodata");
        try (Connection c = pg.connect("capture_nodata"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE items (id int PRIMARY KEY)");
            s.execute("INSERT INTO items VALUES (1), (2)");
        }
        CaptureSettings base = TestSources.postgres("pg-nodata", pg, "capture_nodata", kafka, "public.items");
        var src = base.source();
        CaptureSettings settings = new CaptureSettings(base.pipeline(), new io.ferry.core.config.SourceSettings(src.type(), src.host(),
                src.port(), src.database(), src.user(), src.password(), src.tables(), src.timeZone(), false, "no_data", src.slot(),
                src.publication(), src.serverId(), src.heartbeatInterval(), src.heartbeatSchema()), base.kafka(), base.bootstrapServers());
        try (Capture capture = Capture.start(settings, null);
                TopicReader reader = new TopicReader(kafka.bootstrapServers(), new TopicNames("pg-nodata").change(TableId.parse("public.items")))) {
            reader.until(r -> r.stream().anyMatch(TopicReader.Received::heartbeat));
            try (Connection c = pg.connect("capture_nodata"); Statement s = c.createStatement()) {
                s.execute("INSERT INTO items VALUES (3)");
            }
            reader.until(r -> !reader.rows().isEmpty());
            assertThat(reader.rows()).extracting(e -> e.op() + " " + e.key().get("id").asInt()).containsExactly("create 3");
        }
    }

    /**
     * A stop asked for while Debezium is still starting its tasks (SIGTERM right after {@code ferry run}; seen in CI):
     * Debezium's engine refuses to close then, and the stop used to leave it running until the process was killed. Here the
     * task start is held deterministically: creating the replication slot waits for a transaction that is open in the
     * source, and is let go two seconds after the close was asked for. The close finishes well inside the minute it waited
     * for before, and the slot is let go.
     */
    @Test
    void aStopWhileDebeziumStartsItsTasksStopsItAndLetsTheSlotGo(PostgresService pg, KafkaService kafka) throws Exception {
        pg.createDatabase("capture_early_stop");
        try (Connection c = pg.connect("capture_early_stop"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE items (id int PRIMARY KEY)");
            s.execute("INSERT INTO items SELECT generate_series(1, 100)");
        }
        CaptureSettings settings = TestSources.postgres("pg-early-stop", pg, "capture_early_stop", kafka, "public.items");
        try (Connection holder = pg.connect("capture_early_stop"); Statement s = holder.createStatement()) {
            holder.setAutoCommit(false);
            s.execute("INSERT INTO items VALUES (1000)"); // an xid the slot's creation waits for
            Capture capture = Capture.start(settings, null);
            Awaitility.await("Debezium's task start waiting to create its slot").atMost(java.time.Duration.ofMinutes(1))
                    .until(() -> slotCreationsWaiting(pg) > 0);
            var release = java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    Thread.sleep(2_000);
                    holder.commit();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            long began = System.nanoTime();
            capture.close();
            double seconds = (System.nanoTime() - began) / 1e9;
            release.get();
            assertThat(seconds).as("the close waited for the tasks, not for its minute of grace").isLessThan(45);
            assertThat(capture.state()).isEqualTo(Capture.State.STOPPED);
        }
        Awaitility.await("the slot let go").atMost(java.time.Duration.ofSeconds(20))
                .until(() -> activeSlots(pg, "capture_early_stop") == 0);
    }

    private static int slotCreationsWaiting(PostgresService pg) throws Exception {
        try (Connection c = pg.connect("postgres"); Statement s = c.createStatement();
                var rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'walsender' AND wait_event_type = 'Lock'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static int activeSlots(PostgresService pg, String database) throws Exception {
        try (Connection c = pg.connect(database); Statement s = c.createStatement();
                var rs = s.executeQuery("SELECT count(*) FROM pg_replication_slots WHERE active AND database = '" + database + "'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void aReadOnlySourceGetsNoFootprintAndStillHasMarkers(PostgresService pg, KafkaService kafka) throws Exception {
        pg.createDatabase("capture_readonly");
        try (Connection c = pg.connect("capture_readonly"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE items (id int PRIMARY KEY)");
        }
        CaptureSettings base = TestSources.postgres("pg-readonly", pg, "capture_readonly", kafka, "public.items");
        var src = base.source();
        CaptureSettings settings = new CaptureSettings(base.pipeline(), new io.ferry.core.config.SourceSettings(src.type(), src.host(),
                src.port(), src.database(), src.user(), src.password(), src.tables(), src.timeZone(), true, "initial", src.slot(),
                src.publication(), src.serverId(), src.heartbeatInterval(), src.heartbeatSchema()), base.kafka(), base.bootstrapServers());
        try (Capture capture = Capture.start(settings, null);
                TopicReader reader = new TopicReader(kafka.bootstrapServers(), new TopicNames("pg-readonly").change(TableId.parse("public.items")))) {
            // Debezium's own heartbeats stand in: source-side lag only
            reader.until(r -> r.stream().anyMatch(TopicReader.Received::heartbeat));
            try (Connection c = pg.connect("capture_readonly"); Statement s = c.createStatement()) {
                var rs = s.executeQuery("SELECT count(*) FROM information_schema.schemata WHERE schema_name = 'ferry'");
                rs.next();
                assertThat(rs.getInt(1)).as("no ferry schema in a read-only source").isZero();
            }
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> capture.writeMarker(Marker.Kind.DRAIN))
                    .hasMessageContaining("source.read_only is true");
        }
    }

    @Test
    void snapshotThenStreamingWithMarkersOnEveryPartition(PostgresService pg, KafkaService kafka) throws Exception {
        pg.createDatabase("capture_pg");
        try (Connection c = pg.connect("capture_pg"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE users (user_id serial PRIMARY KEY, email text NOT NULL, name text)");
            s.execute("INSERT INTO users (email, name) VALUES ('a@x.io', 'Ada'), ('g@x.io', 'Grace'), ('l@x.io', NULL)");
        }
        CaptureSettings settings = TestSources.postgres("pg-basic", pg, "capture_pg", kafka, "public.users");
        String topic = new TopicNames("pg-basic").change(TableId.parse("public.users"));
        try (Capture capture = Capture.start(settings, new SimpleMeterRegistry());
                TopicReader reader = new TopicReader(kafka.bootstrapServers(), topic)) {
            reader.until(r -> reader.rows().size() >= 3);
            assertThat(reader.rows()).extracting(e -> e.op()).containsOnly(ChangeEvent.Op.READ);
            assertThat(reader.rows()).extracting(e -> e.after().get("email").asText()).containsExactlyInAnyOrder("a@x.io", "g@x.io", "l@x.io");
            assertThat(reader.rows().get(0).key().columns()).containsExactly("user_id");

            try (Connection c = pg.connect("capture_pg"); Statement s = c.createStatement()) {
                s.execute("INSERT INTO users (email, name) VALUES ('k@x.io', 'Katherine')");
                s.execute("UPDATE users SET name = 'Ada L.' WHERE email = 'a@x.io'");
                s.execute("DELETE FROM users WHERE email = 'g@x.io'");
            }
            reader.until(r -> reader.rows().stream().anyMatch(e -> e.op() == ChangeEvent.Op.DELETE));
            var streamed = reader.rows().stream().filter(e -> e.op() != ChangeEvent.Op.READ).toList();
            assertThat(streamed).extracting(ChangeEvent.RowChange::op)
                    .containsExactly(ChangeEvent.Op.CREATE, ChangeEvent.Op.UPDATE, ChangeEvent.Op.DELETE);
            assertThat(streamed.get(0).after().get("name").asText()).isEqualTo("Katherine");
            assertThat(streamed.get(1).after().get("name").asText()).isEqualTo("Ada L.");
            assertThat(streamed.get(2).after()).isNull();
            assertThat(streamed.get(2).key().get("user_id").asLong()).isEqualTo(2);
            assertThat(streamed).allSatisfy(e -> {
                assertThat(e.source().snapshot()).isFalse();
                assertThat(e.source().pos()).matches("[0-9A-F]+/[0-9A-F]+");
                assertThat(e.source().order()).isPositive();
                assertThat(e.schemaVersion()).isEqualTo(1);
            });
            assertThat(streamed.get(0).source().order()).isLessThan(streamed.get(2).source().order());
            TestSources.assertLastEventSummaryReplaced(capture, "pg-basic", true);

            // one transaction, three changes: txSeq counts them, tsUs is shared
            try (Connection c = pg.connect("capture_pg"); Statement s = c.createStatement()) {
                c.setAutoCommit(false);
                s.execute("DELETE FROM users WHERE email = 'k@x.io'");
                s.execute("INSERT INTO users (user_id, email, name) VALUES (4, 'k@x.io', 'K again')");
                s.execute("UPDATE users SET name = 'K. again' WHERE user_id = 4");
                c.commit();
            }
            reader.until(r -> reader.rows().stream().filter(e -> e.key().get("user_id").asInt() == 4).count() >= 4);
            var tx = reader.rows().stream().filter(e -> e.key().get("user_id").asInt() == 4).skip(1).toList();
            assertThat(tx).extracting(e -> e.source().txSeq()).containsExactly(0L, 1L, 2L);
            assertThat(tx).extracting(e -> e.source().tsUs()).containsOnly(tx.get(0).source().tsUs());

            // Heartbeats arrive as markers on each of the topic's 3 partitions.
            reader.until(r -> r.stream().filter(TopicReader.Received::heartbeat)
                    .map(TopicReader.Received::partition).collect(Collectors.toSet()).size() == 3);
            List<TopicReader.Received> all = reader.until(r -> true);
            assertThat(all.stream().filter(x -> x.event() instanceof ChangeEvent.MarkerEvent)
                    .map(x -> ((ChangeEvent.MarkerEvent) x.event()).marker().kind()).collect(Collectors.toSet()))
                    .isEqualTo(Set.of(Marker.Kind.HEARTBEAT, Marker.Kind.SNAPSHOT_START, Marker.Kind.SNAPSHOT_END));
            // the snapshot run is bounded on every partition: a start before its rows, an end (same run) after them
            for (int p = 0; p < 3; p++) {
                int partition = p;
                List<ChangeEvent> events = all.stream().filter(x -> x.partition() == partition).map(TopicReader.Received::event).toList();
                assertThat(events.get(0)).as("partition %d starts with the run's start", p).isInstanceOfSatisfying(ChangeEvent.MarkerEvent.class,
                        m -> assertThat(m.marker().kind()).isEqualTo(Marker.Kind.SNAPSHOT_START));
                long run = ((ChangeEvent.MarkerEvent) events.get(0)).marker().id();
                int end = events.indexOf(events.stream().filter(e -> e instanceof ChangeEvent.MarkerEvent m
                        && m.marker().kind() == Marker.Kind.SNAPSHOT_END).findFirst().orElseThrow());
                assertThat(((ChangeEvent.MarkerEvent) events.get(end)).marker()).satisfies(m -> {
                    assertThat(m.id()).isEqualTo(run);
                    assertThat(m.table()).isEqualTo(TableId.parse("public.users"));
                });
                assertThat(events.subList(0, end)).as("only the snapshot's reads inside the run on partition %d", p)
                        .allMatch(e -> e instanceof ChangeEvent.RowChange row ? row.op() == ChangeEvent.Op.READ
                                : ((ChangeEvent.MarkerEvent) e).marker().kind() == Marker.Kind.SNAPSHOT_START);
                assertThat(events.subList(end + 1, events.size())).as("no read after the run's end on partition %d", p)
                        .noneMatch(e -> e instanceof ChangeEvent.RowChange row && row.op() == ChangeEvent.Op.READ);
            }

            long drain = capture.writeMarker(Marker.Kind.DRAIN);
            reader.until(r -> r.stream().filter(x -> x.event() instanceof ChangeEvent.MarkerEvent m
                    && m.marker().kind() == Marker.Kind.DRAIN && m.marker().id() == drain).count() == 3);
            assertThat(capture.progress().tables()).singleElement().satisfies(p -> {
                assertThat(p.rowsDone()).isEqualTo(3);
                assertThat(p.done()).isTrue();
            });
            assertThat(capture.state()).isEqualTo(Capture.State.RUNNING);
        }
        // Debezium's engine leaves no Kafka client behind once the capture is closed
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                        .noneMatch(n -> n.contains("kafka-admin-client-thread") && (n.contains("debezium") || n.contains("ferry-capture")))
                        .noneMatch(n -> n.contains("ferry-pg-basic")));
    }

    /**
     * A partitioned table (PostgreSQL 13 and later): its snapshot reads every partition's rows, and PostgreSQL publishes
     * the partitions' changes, by default, under the partitions' names, which Debezium does not take for the partitioned
     * table's and dropped without a word (nothing after the snapshot ever arrived). Capture has them published through
     * the partitioned table, also on a publication made before without that option, and leaves the partitions out of a
     * pattern that matches them too (their rows would come twice); a partition named alone is refused, naming its table.
     */
    @Test
    void aPartitionedTableStreamsItsPartitionsChangesUnderItsOwnName(PostgresService pg, KafkaService kafka) throws Exception {
        pg.createDatabase("capture_parts");
        try (Connection c = pg.connect("capture_parts"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE orders (id int, region text, total numeric(10,2), PRIMARY KEY (id, region)) PARTITION BY LIST (region)");
            s.execute("CREATE TABLE orders_eu PARTITION OF orders FOR VALUES IN ('eu')");
            s.execute("CREATE TABLE orders_us PARTITION OF orders FOR VALUES IN ('us')");
            s.execute("INSERT INTO orders VALUES (1, 'eu', 1.00), (2, 'us', 2.00)");
            s.execute("CREATE PUBLICATION ferry_pg_parts FOR TABLE orders"); // as an older Ferry made it
            // REPLICA IDENTITY set on a partitioned table does not reach its partitions, whose own the log follows
            s.execute("CREATE TABLE events (id int PRIMARY KEY, scores numeric[]) PARTITION BY RANGE (id)");
            s.execute("CREATE TABLE events_low PARTITION OF events FOR VALUES FROM (0) TO (100)");
            s.execute("ALTER TABLE events REPLICA IDENTITY FULL");
        }
        CaptureSettings settings = TestSources.postgres("pg-parts", pg, "capture_parts", kafka, "public\\.orders.*");
        try (Capture capture = Capture.start(settings, null);
                TopicReader reader = new TopicReader(kafka.bootstrapServers(), new TopicNames("pg-parts").change(TableId.parse("public.orders")))) {
            assertThat(capture.preflight().tables()).extracting(t -> t.id().toString()).containsExactly("public.orders");
            assertThat(capture.preflight().notes()).anySatisfy(n -> assertThat(n)
                    .contains("public.orders_eu, public.orders_us match source.tables but are partitions"));
            reader.until(r -> r.stream().anyMatch(TopicReader.Received::heartbeat));
            assertThat(reader.rows()).extracting(e -> e.op() + " " + e.key().get("id")).containsExactlyInAnyOrder("read 1", "read 2");
            try (Connection c = pg.connect("capture_parts"); Statement s = c.createStatement()) {
                s.execute("INSERT INTO orders VALUES (3, 'eu', 3.00), (4, 'us', 4.00)");
                s.execute("UPDATE orders SET total = 1.50 WHERE id = 1");
                s.execute("DELETE FROM orders WHERE id = 2");
            }
            reader.until(r -> reader.rows().stream().anyMatch(e -> e.op() == ChangeEvent.Op.DELETE));
            assertThat(reader.rows().stream().filter(e -> e.op() != ChangeEvent.Op.READ)
                    .map(e -> e.op() + " " + e.key().get("id") + " " + e.key().get("region").asText()))
                    .containsExactlyInAnyOrder("create 3 eu", "create 4 us", "update 1 eu", "delete 2 us");
            try (Connection c = pg.connect("capture_parts"); Statement s = c.createStatement();
                    java.sql.ResultSet rs = s.executeQuery("SELECT pubviaroot FROM pg_publication WHERE pubname = 'ferry_pg_parts'")) {
                assertThat(rs.next() && rs.getBoolean(1)).as("the publication made before, altered").isTrue();
            }
            // Debezium took no partition for a table of its own: no rows of theirs went anywhere
            try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                    java.util.Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                Set<String> topics = admin.listTopics().names().get();
                TopicNames names = new TopicNames("pg-parts");
                for (String part : List.of("public.orders_eu", "public.orders_us")) {
                    String topic = names.change(TableId.parse(part));
                    if (topics.contains(topic)) {
                        try (TopicReader partReader = new TopicReader(kafka.bootstrapServers(), topic)) {
                            assertThat(partReader.until(r -> r.stream().anyMatch(TopicReader.Received::heartbeat)).stream()
                                    .filter(x -> x.event() instanceof ChangeEvent.RowChange)).as(topic).isEmpty();
                        }
                    }
                }
            }
        }
        // a pipeline an older build ran: its publication lacked the option, so the table's changes since its snapshot were
        // dropped; the start that sets it reads the table again (an incremental snapshot run)
        try (Connection c = pg.connect("capture_parts"); Statement s = c.createStatement()) {
            s.execute("ALTER PUBLICATION ferry_pg_parts SET (publish_via_partition_root = false)");
        }
        try (Capture again = Capture.start(settings, null);
                TopicReader reader = new TopicReader(kafka.bootstrapServers(), new TopicNames("pg-parts").change(TableId.parse("public.orders")))) {
            reader.until(r -> reader.rows().stream().anyMatch(e -> e.op() == ChangeEvent.Op.READ && e.key().get("id").asInt() == 3));
            assertThat(reader.rows().stream().filter(e -> e.op() == ChangeEvent.Op.READ).map(e -> e.key().get("id").asInt()))
                    .as("the first snapshot's rows, then the rows the table has now").contains(1, 2, 3, 4);
            try (Connection c = pg.connect("capture_parts"); Statement s = c.createStatement();
                    java.sql.ResultSet rs = s.executeQuery("SELECT pubviaroot FROM pg_publication WHERE pubname = 'ferry_pg_parts'")) {
                assertThat(rs.next() && rs.getBoolean(1)).isTrue();
            }
        }
        CaptureException refused = org.assertj.core.api.Assertions.catchThrowableOfType(CaptureException.class,
                () -> Capture.start(TestSources.postgres("pg-parts-leaf", pg, "capture_parts", kafka, "public.orders_eu", "public.events"),
                        null));
        assertThat(refused.problems()).hasSize(2);
        assertThat(refused.problems()).anySatisfy(p -> assertThat(p)
                .contains("public.orders_eu is a partition of public.orders, which source.tables does not capture"));
        assertThat(refused.problems()).anySatisfy(p -> assertThat(p).contains("public.events has scores (numeric[])")
                .contains("ALTER TABLE public.events_low REPLICA IDENTITY FULL"));
    }

    /**
     * A column added with a default: PostgreSQL fills it into the rows it has without logging a change of one, so they
     * reach no target with it. Capture says so when the table's next change brings the column, naming the re-snapshot
     * that brings them (before, nothing said it; validation found the rows later).
     */
    @Test
    void aColumnAddedWithADefaultIsWarnedOf(PostgresService pg, KafkaService kafka) throws Exception {
        pg.createDatabase("capture_default");
        try (Connection c = pg.connect("capture_default"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE items (id int PRIMARY KEY)");
            s.execute("INSERT INTO items VALUES (1), (2)");
        }
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(BatchHandler.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged = new ch.qos.logback.core.read.ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        try (Capture capture = Capture.start(TestSources.postgres("pg-default", pg, "capture_default", kafka, "public.items"), null);
                TopicReader reader = new TopicReader(kafka.bootstrapServers(), new TopicNames("pg-default").change(TableId.parse("public.items")))) {
            reader.until(r -> r.stream().anyMatch(TopicReader.Received::heartbeat));
            try (Connection c = pg.connect("capture_default"); Statement s = c.createStatement()) {
                s.execute("ALTER TABLE items ADD COLUMN qty int NOT NULL DEFAULT 5, ADD COLUMN note text");
                s.execute("INSERT INTO items VALUES (3, 7, 'x')");
            }
            reader.until(r -> reader.rows().stream().anyMatch(e -> e.op() == ChangeEvent.Op.CREATE));
        } finally {
            logger.detachAppender(logged);
        }
        assertThat(logged.list).filteredOn(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
                .extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).filteredOn(m -> m.contains("with a default"))
                .singleElement().satisfies(m -> assertThat(m).contains("public.items gained [qty] with a default")
                        .contains("ferry resnapshot public.items"));
    }
}
