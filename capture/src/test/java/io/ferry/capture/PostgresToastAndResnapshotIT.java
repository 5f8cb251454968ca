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
import java.util.Map;
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

    /**
     * A primary-key change is a delete of the old key and a create of the new one, and the log leaves an unchanged TOAST
     * value out of the create half as out of any update. Nothing downstream holds the old row under the new key (the
     * halves go to different partitions), so capture reads the value back from the source by the new key.
     */
    @Test
    void aKeyChangeCarriesItsUnchangedToastValues(PostgresService pg, KafkaService kafka) throws Exception {
        pg.createDatabase("capture_toast_keys");
        String big = "y".repeat(20_000) + "-end";
        Map<String, String> columns = new java.util.LinkedHashMap<>();
        columns.put("body text", "'" + big + "'");
        columns.put("words text[]", "(SELECT array_agg(md5(g::text)) FROM generate_series(1, 3000) g)");
        columns.put("blob bytea", "convert_to('" + big + "', 'UTF8')");
        columns.put("blobs bytea[]", "(SELECT array_agg(decode(md5(g::text), 'hex')) FROM generate_series(1, 3000) g)");
        columns.put("doc jsonb", "(SELECT jsonb_object_agg('k' || g, g * 1.50) FROM generate_series(1, 3000) g)");
        columns.put("docs json[]", "(SELECT array_agg(json_build_object('k', g, 'v', md5(g::text))) FROM generate_series(1, 1000) g)");
        columns.put("ints int[]", "(SELECT array_agg(g) FROM generate_series(1, 3000) g)");
        columns.put("days date[]", "(SELECT array_agg(DATE '2020-01-01' + g) FROM generate_series(1, 3000) g)");
        columns.put("ids uuid[]", "(SELECT array_agg(md5(g::text)::uuid) FROM generate_series(1, 3000) g)");
        try (Connection c = pg.connect("capture_toast_keys"); Statement s = c.createStatement()) {
            for (String table : java.util.List.of("moved", "moved_full")) {
                // a key of several types, each bound as its canonical text when the row is read back
                s.execute("CREATE TABLE " + table + " (id int, tag uuid, at timestamptz, title text, " + String.join(", ", columns.keySet())
                        + ", PRIMARY KEY (id, tag, at))");
                for (String column : columns.keySet()) {
                    s.execute("ALTER TABLE " + table + " ALTER COLUMN " + column.substring(0, column.indexOf(' ')) + " SET STORAGE EXTERNAL");
                }
                s.execute("INSERT INTO " + table + " VALUES (1, 'a81bc81b-dead-4e5d-abff-90865d1e13b1', '2024-03-15 10:30:00.123456+02', 'a', "
                        + String.join(", ", columns.values()) + ")");
            }
            s.execute("ALTER TABLE moved_full REPLICA IDENTITY FULL");
        }
        CaptureSettings settings = TestSources.postgres("pg-toast-keys", pg, "capture_toast_keys", kafka, "public.moved", "public.moved_full");
        TopicNames names = new TopicNames("pg-toast-keys");
        for (String table : java.util.List.of("moved", "moved_full")) {
            try (Capture capture = Capture.start(settings, null);
                    TopicReader moved = new TopicReader(kafka.bootstrapServers(), names.change(TableId.parse("public." + table)))) {
                moved.until(r -> r.stream().anyMatch(TopicReader.Received::heartbeat));
                ChangeEvent.RowChange read = moved.rows().stream().filter(e -> e.op() == ChangeEvent.Op.READ).findFirst().orElseThrow();
                try (Connection c = pg.connect("capture_toast_keys"); Statement s = c.createStatement()) {
                    s.execute("UPDATE " + table + " SET id = 2, title = 'b' WHERE id = 1");
                }
                moved.until(r -> moved.rows().stream().anyMatch(e -> e.op() == ChangeEvent.Op.CREATE));
                ChangeEvent.RowChange created = moved.rows().stream().filter(e -> e.op() == ChangeEvent.Op.CREATE).findFirst().orElseThrow();
                assertThat(created.keyChange()).as(table).isNotNull();
                assertThat(created.after().get("title").asText()).as(table).isEqualTo("b");
                for (String column : columns.keySet()) {
                    String name = column.substring(0, column.indexOf(' '));
                    assertThat(created.after().has(name)).as(table + "." + name + " is carried").isTrue();
                    assertThat(created.after().get(name).equals(read.after().get(name))).as(table + "." + name + " as read").isTrue();
                }
            }
        }
    }

    /**
     * Debezium stands in for an unchanged TOAST value with a placeholder of the column's type: for integer, bigint and
     * date arrays a list of the placeholder text's bytes as numbers, for uuid arrays the placeholder's name-based UUID,
     * for text arrays the placeholder text. Each is absent from the update, never published as a value (before, an
     * integer array arrived as [95, 95, 100, ...] and a date array as dates in 1970). For arrays of other types Debezium
     * has no stand-in and sends NULL: a table with such columns needs REPLICA IDENTITY FULL, which preflight says, and
     * then the values come whole.
     */
    @Test
    void anUnchangedToastArrayIsAbsentOrItsTableNeedsFullIdentity(PostgresService pg, KafkaService kafka) throws Exception {
        pg.createDatabase("capture_toast_arrays");
        Map<String, String> stood = new java.util.LinkedHashMap<>();
        stood.put("ints int[]", "(SELECT array_agg(g) FROM generate_series(1, 3000) g)");
        stood.put("longs bigint[]", "(SELECT array_agg(g::bigint * 1000000000) FROM generate_series(1, 3000) g)");
        stood.put("days date[]", "(SELECT array_agg(DATE '2020-01-01' + g) FROM generate_series(1, 3000) g)");
        stood.put("ids uuid[]", "(SELECT array_agg(md5(g::text)::uuid) FROM generate_series(1, 3000) g)");
        stood.put("words text[]", "(SELECT array_agg(md5(g::text)) FROM generate_series(1, 3000) g)");
        Map<String, String> unstood = new java.util.LinkedHashMap<>();
        unstood.put("nums numeric[]", "(SELECT array_agg(g * 1.5) FROM generate_series(1, 3000) g)");
        unstood.put("flags boolean[]", "(SELECT array_agg(g % 2 = 0) FROM generate_series(1, 3000) g)");
        unstood.put("stamps timestamp[]", "(SELECT array_agg(TIMESTAMP '2020-01-01' + g * INTERVAL '1 minute') FROM generate_series(1, 3000) g)");
        try (Connection c = pg.connect("capture_toast_arrays"); Statement s = c.createStatement()) {
            for (var table : Map.of("arrs", stood, "others", unstood).entrySet()) {
                s.execute("CREATE TABLE " + table.getKey() + " (id int PRIMARY KEY, title text, " + String.join(", ", table.getValue().keySet()) + ")");
                for (String column : table.getValue().keySet()) {
                    // out of line, uncompressed
                    s.execute("ALTER TABLE " + table.getKey() + " ALTER COLUMN " + column.substring(0, column.indexOf(' ')) + " SET STORAGE EXTERNAL");
                }
                s.execute("INSERT INTO " + table.getKey() + " VALUES (1, 'a', " + String.join(", ", table.getValue().values()) + ")");
            }
        }
        CaptureException refused = org.assertj.core.api.Assertions.catchThrowableOfType(CaptureException.class, () -> Capture.start(
                TestSources.postgres("pg-toast-others", pg, "capture_toast_arrays", kafka, "public.others"), null));
        assertThat(refused.problems()).singleElement().satisfies(p -> assertThat(p)
                .contains("public.others has nums (numeric[]), flags (boolean[]), stamps (timestamp without time zone[])")
                .contains("ALTER TABLE public.others REPLICA IDENTITY FULL"));
        try (Connection c = pg.connect("capture_toast_arrays"); Statement s = c.createStatement()) {
            s.execute("ALTER TABLE others REPLICA IDENTITY FULL");
        }
        CaptureSettings settings = TestSources.postgres("pg-toast-arrays", pg, "capture_toast_arrays", kafka, "public.arrs", "public.others");
        TopicNames names = new TopicNames("pg-toast-arrays");
        try (Capture capture = Capture.start(settings, null);
                TopicReader arrs = new TopicReader(kafka.bootstrapServers(), names.change(TableId.parse("public.arrs")));
                TopicReader others = new TopicReader(kafka.bootstrapServers(), names.change(TableId.parse("public.others")))) {
            arrs.until(r -> r.stream().anyMatch(TopicReader.Received::heartbeat));
            ChangeEvent.RowChange read = arrs.rows().stream().filter(e -> e.op() == ChangeEvent.Op.READ).findFirst().orElseThrow();
            assertThat(read.after().get("ints").size()).isEqualTo(3000);
            try (Connection c = pg.connect("capture_toast_arrays"); Statement s = c.createStatement()) {
                s.execute("UPDATE arrs SET title = 'b' WHERE id = 1");
                s.execute("UPDATE others SET title = 'b' WHERE id = 1");
            }
            arrs.until(r -> arrs.rows().stream().anyMatch(e -> e.op() == ChangeEvent.Op.UPDATE));
            ChangeEvent.RowChange update = arrs.rows().stream().filter(e -> e.op() == ChangeEvent.Op.UPDATE).findFirst().orElseThrow();
            assertThat(update.after().get("title").asText()).isEqualTo("b");
            Map<String, String> present = new java.util.TreeMap<>();
            for (String column : stood.keySet()) {
                String name = column.substring(0, column.indexOf(' '));
                if (update.after().has(name)) {
                    String v = String.valueOf(update.after().get(name));
                    present.put(name, v.substring(0, Math.min(80, v.length())));
                }
            }
            assertThat(present).as("unchanged TOAST values are absent").isEmpty();

            others.until(r -> others.rows().stream().anyMatch(e -> e.op() == ChangeEvent.Op.UPDATE));
            ChangeEvent.RowChange first = others.rows().stream().filter(e -> e.op() == ChangeEvent.Op.READ).findFirst().orElseThrow();
            ChangeEvent.RowChange full = others.rows().stream().filter(e -> e.op() == ChangeEvent.Op.UPDATE).findFirst().orElseThrow();
            for (String column : unstood.keySet()) {
                String name = column.substring(0, column.indexOf(' '));
                assertThat(full.after().get(name)).as(name).isEqualTo(first.after().get(name));
                assertThat(full.after().get(name).size()).as(name).isEqualTo(3000);
            }
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
