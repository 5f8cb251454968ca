package io.ferry.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.event.ChangeEvent;
import io.ferry.core.event.TableId;
import io.ferry.core.topic.TopicNames;
import io.ferry.devstack.KafkaService;
import io.ferry.devstack.PostgresService;
import io.ferry.devstack.Service;
import io.ferry.devstack.junit.WithServices;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

@WithServices({Service.POSTGRES, Service.KAFKA})
class PostgresToastAndResnapshotIT {

    @Test
    void anUnchangedToastValueIsAbsentNeverAPlaceholderAndFullIdentitySendsIt(PostgresService pg, KafkaService kafka) throws Exception {
        pg.createDatabase("capture_toast");
        String big = "x".repeat(20_000) + "-end";
        try (Connection c = pg.connect("capture_toast"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE docs (id int PRIMARY KEY, title text, body text)");
            s.execute("ALTER TABLE docs ALTER COLUMN body SET STORAGE EXTERNAL"); // out of line, uncompressed
            s.execute("CREATE TABLE docs_full (id int PRIMARY KEY, title text, body text)");
            s.execute("ALTER TABLE docs_full ALTER COLUMN body SET STORAGE EXTERNAL");
            s.execute("ALTER TABLE docs_full REPLICA IDENTITY FULL");
            s.execute("INSERT INTO docs VALUES (1, 'a', '" + big + "')");
            s.execute("INSERT INTO docs_full VALUES (1, 'a', '" + big + "')");
        }
        CaptureSettings settings = TestSources.postgres("pg-toast", pg, "capture_toast", kafka, "public.docs", "public.docs_full");
        TopicNames names = new TopicNames("pg-toast");
        try (Capture capture = Capture.start(settings, null);
                TopicReader docs = new TopicReader(kafka.bootstrapServers(), names.change(TableId.parse("public.docs")));
                TopicReader full = new TopicReader(kafka.bootstrapServers(), names.change(TableId.parse("public.docs_full")))) {
            docs.until(r -> r.stream().anyMatch(TopicReader.Received::heartbeat));
            try (Connection c = pg.connect("capture_toast"); Statement s = c.createStatement()) {
                s.execute("UPDATE docs SET title = 'b' WHERE id = 1");
                s.execute("UPDATE docs_full SET title = 'b' WHERE id = 1");
            }
            docs.until(r -> docs.rows().stream().anyMatch(e -> e.op() == ChangeEvent.Op.UPDATE));
            ChangeEvent.RowChange update = docs.rows().stream().filter(e -> e.op() == ChangeEvent.Op.UPDATE).findFirst().orElseThrow();
            assertThat(update.after().get("title").asText()).isEqualTo("b");
            assertThat(update.after().has("body")).as("unchanged TOAST value is absent, not a placeholder").isFalse();

            full.until(r -> full.rows().stream().anyMatch(e -> e.op() == ChangeEvent.Op.UPDATE));
            ChangeEvent.RowChange fullUpdate = full.rows().stream().filter(e -> e.op() == ChangeEvent.Op.UPDATE).findFirst().orElseThrow();
            assertThat(fullUpdate.after().get("body").asText()).isEqualTo(big);
        }
    }

    @Test
    void aChangeTooLargeForKafkaIsDeadLetteredInsteadOfStallingCapture(PostgresService pg, KafkaService kafka) throws Exception {
        pg.createDatabase("capture_huge");
        try (Connection c = pg.connect("capture_huge"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE blobs (id int PRIMARY KEY, body text)");
        }
        CaptureSettings settings = TestSources.postgres("pg-huge", pg, "capture_huge", kafka, "public.blobs");
        TopicNames names = new TopicNames("pg-huge");
        try (Capture capture = Capture.start(settings, null);
                TopicReader reader = new TopicReader(kafka.bootstrapServers(), names.change(TableId.parse("public.blobs")))) {
            reader.until(r -> r.stream().anyMatch(TopicReader.Received::heartbeat));
            try (Connection c = pg.connect("capture_huge"); Statement s = c.createStatement()) {
                s.execute("INSERT INTO blobs VALUES (1, repeat('x', 17 * 1024 * 1024))");
                s.execute("INSERT INTO blobs VALUES (2, 'small')");
            }
            // the small row after it still arrives: capture did not stall on the big one
            reader.until(r -> reader.rows().stream().anyMatch(e -> e.key().get("id").asInt() == 2));
            assertThat(reader.rows()).noneMatch(e -> e.key().get("id").asInt() == 1);
            try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(java.util.Map.<String, Object>of(
                    "bootstrap.servers", kafka.bootstrapServers(), "group.id", "t-huge", "auto.offset.reset", "earliest"),
                    new org.apache.kafka.common.serialization.ByteArrayDeserializer(), new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
                consumer.subscribe(java.util.List.of(names.deadLetters()));
                java.util.List<io.ferry.core.topic.DeadLetter> letters = new java.util.ArrayList<>();
                long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
                while (letters.isEmpty() && System.nanoTime() < deadline) {
                    consumer.poll(java.time.Duration.ofMillis(300)).forEach(r -> letters.add(io.ferry.core.topic.TopicRecords.deadLetter(r.value())));
                }
                assertThat(letters).singleElement().satisfies(d -> {
                    assertThat(d.reason()).isEqualTo("change too large for Kafka");
                    assertThat(new String(d.originKey(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("{\"id\":1}");
                });
            }
        }
    }

    @Test
    void aTableCanBeResnapshottedWhileStreaming(PostgresService pg, KafkaService kafka) throws Exception {
        pg.createDatabase("capture_resnap");
        try (Connection c = pg.connect("capture_resnap"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE items (id int PRIMARY KEY, name text)");
            s.execute("INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 50) g");
        }
        CaptureSettings settings = TestSources.postgres("pg-resnap", pg, "capture_resnap", kafka, "public.items");
        try (Capture capture = Capture.start(settings, null);
                TopicReader reader = new TopicReader(kafka.bootstrapServers(), new TopicNames("pg-resnap").change(TableId.parse("public.items")))) {
            reader.until(r -> reader.rows().size() >= 50 && r.stream().anyMatch(TopicReader.Received::heartbeat));
            assertThat(progress(capture)).as("the initial snapshot").satisfies(p -> assertThat(p.done()).isTrue());
            assertThat(capture.resnapshot(java.util.List.of("public\\.items"))).containsExactly(TableId.parse("public.items"));
            // the status page's progress counts the re-snapshot from zero, until Debezium's offsets no longer list the table
            assertThat(progress(capture)).satisfies(p -> assertThat(p.done()).isFalse());
            // the incremental snapshot reads all 50 rows again, while streaming carries on
            try (Connection c = pg.connect("capture_resnap"); Statement s = c.createStatement()) {
                s.execute("INSERT INTO items VALUES (51, 'live')");
            }
            reader.until(r -> reader.rows().stream().filter(e -> e.op() == ChangeEvent.Op.READ).count() >= 100
                    && reader.rows().stream().anyMatch(e -> e.op() == ChangeEvent.Op.CREATE));
            // every row of the table is read again (51 too, when the snapshot's chunk came after the insert)
            assertThat(reader.rows().stream().filter(e -> e.op() == ChangeEvent.Op.READ).skip(50)
                    .map(e -> e.key().get("id").asInt()).distinct().toList())
                    .containsAll(java.util.stream.IntStream.rangeClosed(1, 50).boxed().toList());
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofMinutes(1)).untilAsserted(() -> assertThat(progress(capture))
                    .satisfies(p -> {
                        assertThat(p.done()).isTrue();
                        assertThat(p.rowsDone()).isBetween(50L, 51L);
                    }));
        }
    }

    private static SnapshotProgress.TableProgress progress(Capture capture) {
        return capture.progress().tables().stream().filter(t -> t.table().equals(TableId.parse("public.items"))).findFirst().orElseThrow();
    }
}
