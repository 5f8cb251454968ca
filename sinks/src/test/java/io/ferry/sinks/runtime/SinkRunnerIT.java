package io.ferry.sinks.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.ferry.core.config.ConfigValues;
import io.ferry.core.event.Marker;
import io.ferry.core.event.Row;
import io.ferry.core.event.SourceInfo;
import io.ferry.core.event.TargetEvent;
import io.ferry.core.event.TargetEventCodec;
import io.ferry.core.schema.Column;
import io.ferry.core.spi.DirectDecoder;
import io.ferry.core.spi.Sink;
import io.ferry.core.spi.TargetTable;
import io.ferry.core.topic.AppliedPosition;
import io.ferry.core.topic.DeadLetter;
import io.ferry.core.topic.TopicAdmin;
import io.ferry.core.topic.TopicLayout;
import io.ferry.core.topic.TopicNames;
import io.ferry.core.topic.TopicSpec;
import io.ferry.core.topic.TopicRecords;
import io.ferry.core.types.CanonicalType;
import io.ferry.core.types.ColumnType;
import io.ferry.devstack.KafkaService;
import io.ferry.devstack.PostgresService;
import io.ferry.devstack.Service;
import io.ferry.devstack.junit.WithServices;
import io.ferry.sinks.SinkOptionsFixture;
import io.ferry.sinks.jdbc.PostgresSinkFactory;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** The runtime against real Kafka and PostgreSQL: what lands, what is dead-lettered, what positions are published. */
@WithServices({Service.POSTGRES, Service.KAFKA})
class SinkRunnerIT {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final TargetTable ACCOUNTS = TargetTable.keyed("accounts", List.of(
            new Column("id", ColumnType.of(CanonicalType.INT64), false), new Column("balance", ColumnType.decimal(8, 2), true)),
            List.of("id"));

    @Test
    void targetTopicsReachTheDatabaseAndBadRecordsTheDeadLetterTopic(PostgresService pg, KafkaService kafka) throws Exception {
        pg.createDatabase("runner_pg");
        String pipeline = "runner-" + UUID.randomUUID().toString().substring(0, 6);
        TopicNames names = new TopicNames(pipeline);
        String topic = names.target("pg", "accounts");
        createTopics(kafka, names);
        var factory = new PostgresSinkFactory();
        var options = SinkOptionsFixture.bind(factory, "url: " + pg.jdbcUrl("runner_pg") + "\nuser: postgres\nbatch_rows: 50\n");
        var sink = pgSink(factory, pipeline, options);
        Properties client = client(kafka);

        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(testProducer(kafka),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int id = 1; id <= 300; id++) {
                // 77 overflows numeric(8,2); so does 78, whose 2 MiB record makes a dead letter past the producer's default 1 MiB
                String balance = id == 77 ? "99999999.99" : id == 78 ? "9".repeat(2 * 1024 * 1024) : id + ".50";
                send(producer, topic, upsert(id, balance));
            }
            for (int id = 1; id <= 300; id += 10) {
                send(producer, topic, new TargetEvent.Delete("accounts", key(id), source(1000 + id)));
            }
            producer.send(new ProducerRecord<>(topic, 0, "{\"id\":0}".getBytes(StandardCharsets.UTF_8), "not json".getBytes(StandardCharsets.UTF_8)));
            for (int p = 0; p < 2; p++) {
                TargetEvent marker = new TargetEvent.MarkerPassage(new Marker(42, 5, Marker.Kind.DRAIN), source(5000));
                producer.send(new ProducerRecord<>(topic, p, TargetEventCodec.key(marker, p), TargetEventCodec.value(marker)));
            }
            producer.flush();
        }

        SinkMetrics metrics = new SinkMetrics(null, pipeline, "pg");
        try (SinkRunner runner = new SinkRunner(pipeline, "pg", sink, options, client, metrics)) {
            runner.start();
            // 300 upserts - 30 deleted - #77 and #78 dead-lettered
            await().atMost(Duration.ofSeconds(60)).until(() -> count(pg) == 268);
            await().atMost(Duration.ofSeconds(60)).until(() -> appliedMarkers(kafka, names).size() == 2);
        }
        try (Connection c = pg.connect("runner_pg"); ResultSet rs = c.createStatement().executeQuery(
                "SELECT count(*) FILTER (WHERE id % 10 = 1), max(balance) FROM accounts")) {
            rs.next();
            assertThat(rs.getInt(1)).as("deleted rows stay deleted").isZero();
            assertThat(rs.getBigDecimal(2)).isEqualByComparingTo("300.50");
        }
        List<DeadLetter> letters = deadLetters(kafka, names);
        assertThat(letters).extracting(DeadLetter::reason).anySatisfy(r -> assertThat(r).contains("the target refused it"))
                .anySatisfy(r -> assertThat(r).isEqualTo("not a target event"));
        assertThat(letters).filteredOn(d -> d.reason().contains("refused")).hasSize(2)
                .anySatisfy(d -> assertThat(d.originValue().length).isGreaterThan(2 * 1024 * 1024));
        assertThat(letters).filteredOn(d -> new String(d.originKey(), StandardCharsets.UTF_8).equals("{\"id\":77}")).singleElement().satisfies(d -> {
            assertThat(d.reason()).contains("the target refused it");
            assertThat(d.stage()).isEqualTo(DeadLetter.Stage.SINK);
            assertThat(d.error()).contains("numeric field overflow");
        });
        assertThat(appliedMarkers(kafka, names)).allSatisfy(p -> {
            assertThat(p.lastMarker().id()).isEqualTo(42);
            assertThat(p.lastSource()).isNotNull();
            assertThat(p.offset()).isPositive();
        });
        assertThat(metrics.deadLettered()).isEqualTo(3);
    }

    /**
     * A lone change is written as soon as the consumer has nothing more in hand, not after {@code batch_linger}: the sink
     * used to hold every partial batch for the whole linger (50 ms by default, on every change of a quiet stream). A
     * linger of a minute makes the difference plain; the bound is half of it.
     */
    @Test
    void aLoneChangeIsWrittenWithoutWaitingForTheLinger(PostgresService pg, KafkaService kafka) throws Exception {
        pg.createDatabase("runner_lone");
        String pipeline = "runner-" + UUID.randomUUID().toString().substring(0, 6);
        TopicNames names = new TopicNames(pipeline);
        String topic = names.target("pg", "accounts");
        createTopics(kafka, names);
        var factory = new PostgresSinkFactory();
        var options = SinkOptionsFixture.bind(factory, "url: " + pg.jdbcUrl("runner_lone") + "\nuser: postgres\nbatch_linger: 60s\n");
        var sink = pgSink(factory, pipeline, options);
        Properties client = client(kafka);
        try (SinkRunner runner = new SinkRunner(pipeline, "pg", sink, options, client, new SinkMetrics(null, pipeline, "pg"));
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(testProducer(kafka), new ByteArraySerializer(),
                        new ByteArraySerializer())) {
            runner.start();
            send(producer, topic, upsert(1, "1.50"));
            producer.flush();
            await("the first change").atMost(Duration.ofSeconds(30)).until(() -> count(pg, "runner_lone") == 1);
            send(producer, topic, upsert(2, "2.50"));
            producer.flush();
            await("a second one, alone too").atMost(Duration.ofSeconds(30)).until(() -> count(pg, "runner_lone") == 2);
        }
    }

    /**
     * A target that refuses writes for a while (a lock held elsewhere, like a target restarting) while the consumer
     * group rebalances (a broker restart, a member joining and leaving): nothing the consumer fetched during the
     * retries may be skipped. Records fetched by a poll that only waits out the backoff used to be dropped.
     */
    @Test
    void aRebalanceWhileAWriteIsRetriedSkipsNothing(PostgresService pg, KafkaService kafka) throws Exception {
        pg.createDatabase("runner_rebalance");
        String pipeline = "rebalance-" + UUID.randomUUID().toString().substring(0, 6);
        TopicNames names = new TopicNames(pipeline);
        String topic = names.target("pg", "accounts");
        createTopics(kafka, names);
        try (Connection c = pg.connect("runner_rebalance"); var st = c.createStatement()) {
            st.execute("CREATE TABLE accounts (id BIGINT PRIMARY KEY, balance NUMERIC(8, 2))");
            // the sink's sessions give up on a lock after 100 ms: a transient failure, retried with backoff
            st.execute("ALTER DATABASE runner_rebalance SET lock_timeout = '100ms'");
        }
        var factory = new PostgresSinkFactory();
        var options = SinkOptionsFixture.bind(factory, "url: " + pg.jdbcUrl("runner_rebalance")
                + "\nuser: postgres\nbatch_rows: 50\nmax_retry_backoff: 1s\n");
        var sink = pgSink(factory, pipeline, options);
        Properties client = client(kafka);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(testProducer(kafka),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int id = 1; id <= 1000; id++) {
                send(producer, topic, upsert(id, id + ".25"));
            }
            producer.flush();
        }

        SinkMetrics metrics = new SinkMetrics(null, pipeline, "pg");
        try (Connection lock = pg.connect("runner_rebalance"); SinkRunner runner = new SinkRunner(pipeline, "pg", sink, options, client,
                metrics)) {
            lock.setAutoCommit(false);
            lock.createStatement().execute("LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE");
            runner.start();
            await("the first writes retried").atMost(Duration.ofSeconds(60)).until(() -> metrics.retries() >= 2);
            for (int round = 0; round < 3; round++) {
                // another member joins the sink's group and leaves again: two rebalances while the runner waits to retry
                try (var member = new KafkaConsumer<>(Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers(), ConsumerConfig.GROUP_ID_CONFIG, names.sinkGroup("pg"),
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                    member.subscribe(names.targetPattern("pg"));
                    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                    while (member.assignment().isEmpty() && System.nanoTime() < deadline) {
                        member.poll(Duration.ofMillis(200));
                    }
                    assertThat(member.assignment()).as("the second member got partitions: the group rebalanced").isNotEmpty();
                }
                Thread.sleep(3_000); // the runner takes every partition back and goes on retrying
            }
            lock.rollback();
            await("every record written").atMost(Duration.ofSeconds(90)).until(() -> count(pg, "runner_rebalance") == 1000);
        }
        try (Connection c = pg.connect("runner_rebalance"); ResultSet rs = c.createStatement().executeQuery(
                "SELECT count(*), min(id), max(id), sum(balance) FROM accounts")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(1000);
            assertThat(rs.getBigDecimal(4)).isEqualByComparingTo("500750.00"); // sum of id + 0.25 for 1..1000
        }
        assertThat(metrics.retries()).as("writes were retried while the lock was held").isGreaterThanOrEqualTo(2);
    }

    /**
     * The bulk copy of a direct mapping's table with two members in the sink's group: exactly one copies at a time (the
     * holder of partition 0), neither applies the table's changes until the copy is done, then both apply those after
     * the offsets noted when it began, and none before them (the copy holds those).
     */
    @Test
    void aBulkCopyHoldsEveryMembersChangesUntilItIsDone(PostgresService pg, KafkaService kafka) throws Exception {
        pg.createDatabase("runner_copy");
        String pipeline = "copy-" + UUID.randomUUID().toString().substring(0, 6);
        TopicNames names = new TopicNames(pipeline);
        String change = names.change(new io.ferry.core.event.TableId("public", "items"));
        createTopics(kafka, names);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            TopicAdmin.ensure(admin, List.of(new TopicLayout(names, 2, Optional.empty(), Optional.empty())
                    .change(new io.ferry.core.event.TableId("public", "items"))));
        }
        var factory = new PostgresSinkFactory();
        var options = SinkOptionsFixture.bind(factory, "url: " + pg.jdbcUrl("runner_copy") + "\nuser: postgres\nbatch_rows: 50\n");
        Properties client = client(kafka);
        // changes logged before the copy begins: the copy holds their rows (with balance 2.00), so they must not be applied
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(testProducer(kafka), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int id = 1; id <= 100; id++) {
                TargetEvent e = upsert(id, "1.00");
                producer.send(new ProducerRecord<>(change, id % 2, TargetEventCodec.key(e, 0), TargetEventCodec.value(e)));
            }
            producer.flush();
        }
        DirectDecoder decoder = new DirectDecoder() {
            @Override
            public java.util.Set<String> topics() {
                return java.util.Set.of(change);
            }

            @Override
            public Decoded decode(String topic, byte[] key, byte[] value) {
                return new Decoded(List.of(TargetEventCodec.decode(value)), List.of());
            }
        };
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger mostAtOnce = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger copiesDone = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean gate = new java.util.concurrent.atomic.AtomicBoolean();
        BulkCopy copy = new BulkCopy() {
            @Override
            public java.util.Set<String> topics() {
                return java.util.Set.of(change);
            }

            @Override
            public Optional<String> waitingFor() {
                return gate.get() ? Optional.empty() : Optional.of("the test's gate");
            }

            @Override
            public void copy(String topic, Progress progress) throws InterruptedException {
                mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                try (var sink = pgSink(factory, pipeline, options)) {
                    List<TargetEvent> rows = new ArrayList<>();
                    for (int id = 1; id <= 100; id++) {
                        rows.add(upsert(id, "2.00"));
                    }
                    sink.write(rows);
                    progress.copied(rows.size());
                    while (!release.await(100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                        if (progress.cancelled()) {
                            throw new InterruptedException("cancelled");
                        }
                    }
                    copiesDone.incrementAndGet();
                } catch (io.ferry.core.spi.SinkWriteException e) {
                    throw new IllegalStateException(e);
                } finally {
                    running.decrementAndGet();
                }
            }
        };
        List<SinkRunner> runners = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                var sink = pgSink(factory, pipeline, options);
                SinkRunner r = new SinkRunner(pipeline, "pg", sink, options, client, new SinkMetrics(null, pipeline, "pg"));
                r.readDirect(decoder);
                r.copyFirst(copy);
                r.start();
                runners.add(r);
            }
            await("no copy begins while the copy says it waits").atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(runners).extracting(r -> String.join(";", r.copyStatus()))
                            .anySatisfy(x -> assertThat(x).contains(change + ": waiting for the test's gate")));
            Thread.sleep(2_000);
            assertThat(mostAtOnce.get()).as("copies begun before the gate opened").isZero();
            assertThat(balances(pg)).isEmpty();
            gate.set(true);
            await("one member copies, the other waits for it").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(runners).extracting(r -> String.join(";", r.copyStatus()))
                        .anySatisfy(x -> assertThat(x).contains(change + ": copying"))
                        .anySatisfy(x -> assertThat(x).contains("waiting for the copy by the member that holds partition 0"));
                assertThat(balances(pg)).hasSize(100).containsOnlyKeys(java.util.stream.LongStream.rangeClosed(1, 100).boxed()
                        .toArray(Long[]::new)).allSatisfy((id, b) -> assertThat(b).isEqualByComparingTo("2.00"));
            });
            // changes logged during the copy, on both partitions: held by both members until the copy is done
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(testProducer(kafka), new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                for (int id = 1; id <= 10; id++) {
                    TargetEvent e = upsert(id, "3.00");
                    producer.send(new ProducerRecord<>(change, id % 2, TargetEventCodec.key(e, 0), TargetEventCodec.value(e)));
                }
                producer.flush();
            }
            Thread.sleep(3_000);
            assertThat(balances(pg).values()).as("nothing applied during the copy").allSatisfy(b -> assertThat(b).isEqualByComparingTo("2.00"));
            release.countDown();
            await("both members apply what came after the copy began").atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(balances(pg)).hasSize(100).allSatisfy((id, b) -> assertThat(b)
                            .isEqualByComparingTo(id <= 10 ? "3.00" : "2.00")));
            assertThat(mostAtOnce.get()).as("never two copies at once").isEqualTo(1);
            assertThat(copiesDone.get()).isEqualTo(1);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(runners).allSatisfy(r -> assertThat(r.copyStatus()).isEmpty()));
        } finally {
            release.countDown();
            runners.forEach(SinkRunner::close);
        }
        try (var c = new KafkaConsumer<>(Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, names.sinkGroup("pg")), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            var committed = c.committed(java.util.Set.of(new org.apache.kafka.common.TopicPartition(change, 0),
                    new org.apache.kafka.common.TopicPartition(change, 1)));
            assertThat(committed.values()).allSatisfy(o -> {
                assertThat(o).isNotNull();
                assertThat(o.offset()).as("past the changes of both phases").isEqualTo(55);
                assertThat(o.metadata()).isEmpty();
            });
        }
    }

    /**
     * A row that carries a column added at the source can reach the sink before the shape that has the column (the service
     * reads the new schema on another consumer): the runner holds it until the shape has the column, so its value is
     * written rather than left out. A column a shape had before (dropped at the source since) is not waited for.
     */
    @Test
    void aRowWithAColumnItsShapeDoesNotHaveYetWaitsForTheShape(PostgresService pg, KafkaService kafka) throws Exception {
        pg.createDatabase("runner_added");
        String pipeline = "runner-" + UUID.randomUUID().toString().substring(0, 6);
        TopicNames names = new TopicNames(pipeline);
        String topic = names.target("pg", "accounts");
        createTopics(kafka, names);
        TargetTable withNote = TargetTable.keyed("accounts", List.of(ACCOUNTS.columns().get(0), ACCOUNTS.columns().get(1),
                new Column("note", ColumnType.of(CanonicalType.STRING), true)), List.of("id"));
        java.util.concurrent.atomic.AtomicReference<Map<String, TargetTable>> shapes = new java.util.concurrent.atomic.AtomicReference<>(
                Map.of("accounts", ACCOUNTS));
        var factory = new PostgresSinkFactory();
        var options = SinkOptionsFixture.bind(factory, "url: " + pg.jdbcUrl("runner_added") + "\nuser: postgres\n");
        var sink = factory.create(new RuntimeSinkContext(pipeline, "pg", options, shapes::get));
        try (SinkRunner runner = new SinkRunner(pipeline, "pg", sink, options, client(kafka), new SinkMetrics(null, pipeline, "pg"));
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(testProducer(kafka), new ByteArraySerializer(),
                        new ByteArraySerializer())) {
            // a bound far beyond the test's waits: a column waited for is never given up on here
            runner.awaitShapes(shapes::get, Duration.ofMinutes(10));
            runner.start();
            send(producer, topic, upsert(1, "1.50"));
            producer.flush();
            await("the first change").atMost(Duration.ofSeconds(30)).until(() -> count(pg, "runner_added") == 1);

            send(producer, topic, new TargetEvent.Upsert("accounts", key(2), key(2).with("balance", F.textNode("2.50"))
                    .with("note", F.textNode("added at the source")), source(2)));
            producer.flush();
            await("the row held while its shape lacks the column").during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                    .until(() -> count(pg, "runner_added") == 1);
            shapes.set(Map.of("accounts", withNote));
            await("the row with its new column").atMost(Duration.ofSeconds(30)).until(() -> note(pg, 2), "added at the source"::equals);

            // the column is dropped at the source: a row mapped before that still carries it, and is written at once
            shapes.set(Map.of("accounts", ACCOUNTS));
            send(producer, topic, new TargetEvent.Upsert("accounts", key(3), key(3).with("balance", F.textNode("3.50"))
                    .with("note", F.textNode("mapped before the drop")), source(3)));
            producer.flush();
            await("a row with a dropped column").atMost(Duration.ofSeconds(30)).until(() -> count(pg, "runner_added") == 3);
        }
    }

    /**
     * A row read after its source column was widened can reach the sink before the widened shape: written then, PostgreSQL's
     * {@code numeric(8,2)} rounded {@code 2.5055} to {@code 2.51} without an error. The runner holds it until a shape
     * holds the value; the sink then widens the column and writes it exactly.
     */
    @Test
    void aValueWiderThanItsColumnsTypeWaitsForTheWidenedShape(PostgresService pg, KafkaService kafka) throws Exception {
        pg.createDatabase("runner_widened");
        String pipeline = "runner-" + UUID.randomUUID().toString().substring(0, 6);
        TopicNames names = new TopicNames(pipeline);
        String topic = names.target("pg", "accounts");
        createTopics(kafka, names);
        TargetTable widened = TargetTable.keyed("accounts", List.of(ACCOUNTS.columns().get(0),
                new Column("balance", ColumnType.decimal(10, 4), true)), List.of("id"));
        java.util.concurrent.atomic.AtomicReference<Map<String, TargetTable>> shapes = new java.util.concurrent.atomic.AtomicReference<>(
                Map.of("accounts", ACCOUNTS));
        var factory = new PostgresSinkFactory();
        var options = SinkOptionsFixture.bind(factory, "url: " + pg.jdbcUrl("runner_widened") + "\nuser: postgres\n");
        var sink = factory.create(new RuntimeSinkContext(pipeline, "pg", options, shapes::get));
        try (SinkRunner runner = new SinkRunner(pipeline, "pg", sink, options, client(kafka), new SinkMetrics(null, pipeline, "pg"));
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(testProducer(kafka), new ByteArraySerializer(),
                        new ByteArraySerializer())) {
            runner.awaitShapes(shapes::get, Duration.ofMinutes(10));
            runner.start();
            send(producer, topic, upsert(1, "1.50"));
            producer.flush();
            await("the first change").atMost(Duration.ofSeconds(30)).until(() -> count(pg, "runner_widened") == 1);

            send(producer, topic, upsert(2, "2.5055"));
            producer.flush();
            await("the row held while its shape cannot hold the value").during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                    .until(() -> count(pg, "runner_widened") == 1);
            assertThat(runner.retrying()).get().extracting(SinkRunner.Retrying::reason).asString().contains("accounts.balance");
            shapes.set(Map.of("accounts", widened));
            await("the value, exactly").atMost(Duration.ofSeconds(30)).until(() -> balance(pg, "runner_widened", 2),
                    v -> v != null && v.compareTo(new java.math.BigDecimal("2.5055")) == 0);
            assertThat(balance(pg, "runner_widened", 1)).isEqualByComparingTo("1.50");
        }
    }

    private static java.math.BigDecimal balance(PostgresService pg, String database, int id) throws Exception {
        try (Connection c = pg.connect(database); var ps = c.prepareStatement("SELECT balance FROM accounts WHERE id = ?")) {
            ps.setInt(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getBigDecimal(1) : null;
            }
        }
    }

    /**
     * A change for a table no mapping writes any more (renamed or removed while its changes were unread) is dead-lettered;
     * it waited for a shape that never comes, holding every batch behind it, while the sink's status said nothing. A
     * mapped table's shape not known yet is waited for, and the status says so.
     */
    @Test
    void aChangeOfATableNoMappingWritesIsDeadLetteredAndAWaitForAShapeIsShown(PostgresService pg, KafkaService kafka) throws Exception {
        pg.createDatabase("runner_unmapped");
        String pipeline = "runner-" + UUID.randomUUID().toString().substring(0, 6);
        TopicNames names = new TopicNames(pipeline);
        createTopics(kafka, names);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            TopicLayout layout = new TopicLayout(names, 2, Optional.empty(), Optional.empty());
            TopicAdmin.ensure(admin, List.of(layout.target("pg", "renamed"), layout.target("pg", "later")));
        }
        TargetTable later = TargetTable.keyed("later", ACCOUNTS.columns(), List.of("id"));
        java.util.concurrent.atomic.AtomicReference<Map<String, TargetTable>> shapes = new java.util.concurrent.atomic.AtomicReference<>(
                Map.of("accounts", ACCOUNTS));
        var factory = new PostgresSinkFactory();
        var options = SinkOptionsFixture.bind(factory, "url: " + pg.jdbcUrl("runner_unmapped") + "\nuser: postgres\n");
        var sink = factory.create(new RuntimeSinkContext(pipeline, "pg", options, shapes::get));
        try (SinkRunner runner = new SinkRunner(pipeline, "pg", sink, options, client(kafka), new SinkMetrics(null, pipeline, "pg"));
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(testProducer(kafka), new ByteArraySerializer(),
                        new ByteArraySerializer())) {
            runner.awaitShapes(shapes::get);
            runner.mappedTables(java.util.Set.of("accounts", "later"));
            runner.start();
            send(producer, names.target("pg", "renamed"), new TargetEvent.Upsert("renamed", key(9), key(9).with("balance", F.textNode("9.00")),
                    source(1)));
            send(producer, names.target("pg", "accounts"), upsert(1, "1.50"));
            producer.flush();
            await("the mapped table's row, past the unmapped one").atMost(Duration.ofSeconds(30)).until(() -> count(pg, "runner_unmapped") == 1);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(deadLetters(kafka, names)).singleElement().satisfies(d -> {
                assertThat(d.reason()).isEqualTo("no mapping writes table 'renamed'");
                assertThat(new String(d.originKey(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":9}");
            }));

            send(producer, names.target("pg", "later"), new TargetEvent.Upsert("later", key(5), key(5).with("balance", F.textNode("5.00")),
                    source(2)));
            producer.flush();
            await("the wait for a mapped table's shape, shown").atMost(Duration.ofSeconds(30))
                    .until(() -> runner.retrying().map(r -> r.reason()).orElse(""), r -> r.contains("waiting for the shape of later"));
            shapes.set(Map.of("accounts", ACCOUNTS, "later", later));
            await("the row once its shape is known").atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                try (Connection c = pg.connect("runner_unmapped"); ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM later")) {
                    return rs.next() && rs.getInt(1) == 1;
                }
            });
            assertThat(runner.retrying()).isEmpty();
        }
    }

    private static String note(PostgresService pg, int id) throws Exception {
        if (count(pg, "runner_added") < 0) {
            return null;
        }
        try (Connection c = pg.connect("runner_added"); ResultSet rs = c.createStatement().executeQuery(
                "SELECT count(*) FROM information_schema.columns WHERE table_name = 'accounts' AND column_name = 'note'")) {
            rs.next();
            if (rs.getInt(1) == 0) {
                return null;
            }
        }
        try (Connection c = pg.connect("runner_added"); ResultSet rs = c.createStatement().executeQuery(
                "SELECT note FROM accounts WHERE id = " + id)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static Map<Long, java.math.BigDecimal> balances(PostgresService pg) throws Exception {
        Map<Long, java.math.BigDecimal> out = new java.util.TreeMap<>();
        if (count(pg, "runner_copy") < 0) {
            return out;
        }
        try (Connection c = pg.connect("runner_copy"); ResultSet rs = c.createStatement().executeQuery("SELECT id, balance FROM accounts")) {
            while (rs.next()) {
                out.put(rs.getLong(1), rs.getBigDecimal(2));
            }
        }
        return out;
    }

    /** The pipeline's topics and the target topic of pg/accounts, two partitions. */
    /**
     * A target that refuses writes for a reason that is not in the records (the sink's role may not insert, as after a
     * privilege is revoked, or a server read-only after a failover) is retried, and the runner says since when (the
     * service's status shows the sink RETRYING); once the privilege is granted every row arrives and none was
     * dead-lettered. Before session 26 each record went to the dead-letter topic, the whole table with them.
     */
    @Test
    void writesTheTargetRefusesAreRetriedUntilItTakesThem(PostgresService pg, KafkaService kafka) throws Exception {
        pg.createDatabase("runner_grant");
        try (Connection c = pg.connect("runner_grant"); java.sql.Statement s = c.createStatement()) {
            s.execute("DO $$ BEGIN CREATE ROLE ferry_sink_limited LOGIN PASSWORD 'limited'; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
            s.execute("CREATE TABLE accounts (id bigint PRIMARY KEY, balance numeric(8,2))");
            s.execute("GRANT SELECT ON accounts TO ferry_sink_limited");
        }
        String pipeline = "grant-" + UUID.randomUUID().toString().substring(0, 6);
        TopicNames names = new TopicNames(pipeline);
        createTopics(kafka, names);
        var factory = new PostgresSinkFactory();
        var options = SinkOptionsFixture.bind(factory, "url: " + pg.jdbcUrl("runner_grant")
                + "\nuser: ferry_sink_limited\npassword: limited\nbatch_rows: 50\nmax_retry_backoff: 1s\n");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(testProducer(kafka), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int id = 1; id <= 20; id++) {
                send(producer, names.target("pg", "accounts"), upsert(id, id + ".25"));
            }
            producer.flush();
        }
        try (SinkRunner runner = new SinkRunner(pipeline, "pg", pgSink(factory, pipeline, options), options, client(kafka),
                new SinkMetrics(null, pipeline, "pg"))) {
            runner.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> runner.retrying().isPresent());
            assertThat(runner.retrying().get().reason()).contains("not the record's").contains("permission denied");
            assertThat(count(pg, "runner_grant")).isZero();
            try (Connection c = pg.connect("runner_grant"); java.sql.Statement s = c.createStatement()) {
                s.execute("GRANT INSERT, UPDATE, DELETE ON accounts TO ferry_sink_limited");
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> count(pg, "runner_grant") == 20);
            await().atMost(Duration.ofSeconds(30)).until(() -> runner.retrying().isEmpty());
            assertThat(runner.isRunning()).isTrue();
        }
        assertThat(deadLetters(kafka, names)).as("nothing dead-lettered").isEmpty();
    }

    /**
     * The test's own producer: in order (one request in flight) but not idempotent. Right after the topics are made, Kafka
     * 4.1.1's broker sometimes answers an idempotent producer's first batch with NOT_LEADER_OR_FOLLOWER, appends the later
     * ones, and then rejects the retried first batch with OUT_OF_ORDER_SEQUENCE_NUMBER for ever: the records never arrive.
     */
    private static Map<String, Object> testProducer(KafkaService kafka) {
        return Map.of("bootstrap.servers", kafka.bootstrapServers(), "enable.idempotence", "false",
                "max.in.flight.requests.per.connection", "1", "acks", "all", "max.request.size", String.valueOf(TopicSpec.MAX_MESSAGE_BYTES));
    }

    private static Sink pgSink(PostgresSinkFactory factory, String pipeline, ConfigValues options) {
        return factory.create(new RuntimeSinkContext(pipeline, "pg", options, () -> Map.of("accounts", ACCOUNTS)));
    }

    private static Properties client(KafkaService kafka) {
        Properties client = new Properties();
        client.put("bootstrap.servers", kafka.bootstrapServers());
        return client;
    }

    private static void createTopics(KafkaService kafka, TopicNames names) throws Exception {
        TopicLayout layout = new TopicLayout(names, 2, Optional.empty(), Optional.empty());
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            List<io.ferry.core.topic.TopicSpec> specs = new ArrayList<>(layout.pipelineTopics());
            specs.add(layout.target("pg", "accounts"));
            TopicAdmin.ensure(admin, specs);
        }
    }

    private static SourceInfo source(long order) {
        return new SourceInfo("src", "0/" + order, order, null, 1_700_000_000_000_000L + order, false);
    }

    private static Row key(int id) {
        return Row.builder().put("id", F.numberNode(id)).build();
    }

    private static TargetEvent upsert(int id, String balance) {
        return new TargetEvent.Upsert("accounts", key(id), key(id).with("balance", F.textNode(balance)), source(id));
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, TargetEvent e) {
        producer.send(new ProducerRecord<>(topic, TargetEventCodec.key(e, 0), TargetEventCodec.value(e)));
    }

    private static int count(PostgresService pg) throws Exception {
        return count(pg, "runner_pg");
    }

    private static int count(PostgresService pg, String database) throws Exception {
        try (Connection c = pg.connect(database); ResultSet rs = c.createStatement().executeQuery(
                "SELECT count(*) FROM information_schema.tables WHERE table_name = 'accounts'")) {
            rs.next();
            if (rs.getInt(1) == 0) {
                return -1;
            }
        }
        try (Connection c = pg.connect(database); ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM accounts")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static List<byte[]> read(KafkaService kafka, String topic) {
        List<byte[]> out = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "t-" + UUID.randomUUID(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(300)).forEach(r -> out.add(r.value()));
            }
        }
        return out;
    }

    private static List<DeadLetter> deadLetters(KafkaService kafka, TopicNames names) {
        return read(kafka, names.deadLetters()).stream().map(TopicRecords::deadLetter).toList();
    }

    /** The latest applied position per partition that has seen the drain marker. */
    private static List<AppliedPosition> appliedMarkers(KafkaService kafka, TopicNames names) {
        Map<Integer, AppliedPosition> latest = new java.util.HashMap<>();
        for (byte[] v : read(kafka, names.appliedPositions())) {
            AppliedPosition p = TopicRecords.appliedPosition(v);
            latest.put(p.partition(), p);
        }
        return latest.values().stream().filter(p -> p.lastMarker() != null).toList();
    }
}
