package io.ferry.app.bench;

import io.ferry.devstack.PostgresService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;

/**
 * The peer: what a team would deploy instead of Ferry. Kafka Connect in standalone mode (its own JVM, the classpath that
 * the {@code bench-peer} module resolves) running Debezium's PostgreSQL source connector and Debezium's JDBC sink
 * connector, same Kafka and Debezium versions as Ferry, against a broker the benchmark starts for it in a JVM of its own
 * ({@link BenchBroker}, counted with the peer). The sink has the
 * settings Debezium documents for throughput: upsert, a large {@code batch.size} with the consumer's
 * {@code max.poll.records} raised to match, {@code use.reduction.buffer}; the JDBC URL rewrites batched inserts. The
 * target table exists beforehand, as for Ferry's sink it would be created with the same types. The worker discovers its
 * plugins through their ServiceLoader manifests ({@code plugin.discovery=service_load}, which Kafka Connect advises at
 * start when every plugin has one; the default also scans the classpath, ~2.5 s of each start here). Stopping is SIGTERM
 * (the worker commits its offsets and stops its tasks), then a wait until the sink's consumer group has no member: a worker
 * that hangs in its shutdown is killed after a minute, and its sink tasks' consumers stay in the group until their session
 * times out, which a worker started meanwhile would wait out in its first rebalance (seen once in 18 stops, session 19: 33 s
 * of its drain). Starting again runs a new worker on the same offsets file.
 */
final class KafkaConnectPeer extends JvmContender {

    static final String NAME = "ferry_bench_peer";
    static final String WHAT = "Kafka Connect %s standalone: Debezium %s PostgresConnector (pgoutput) + JdbcSinkConnector (upsert,"
            + " batch.size %d, use.reduction.buffer, %d tasks over %d partitions), JSON converter with schemas, its own JVM with %s;"
            + " its broker in a JVM of its own with %s";
    static final int BATCH_SIZE = 5000;
    static final int PARTITIONS = 6;
    /** The sink's consumer group: Kafka Connect names it {@code connect-<connector name>}. */
    static final String SINK_GROUP = "connect-bench-sink";
    /** Longer than the sink consumers' session timeout (Kafka's default, 45 s). */
    private static final Duration GROUP_EMPTY = Duration.ofMinutes(2);
    /** One per core of the machine the figures are taken on; more only share the same two cores. */
    static final int SINK_TASKS = 2;
    /** Kafka's {@code connect-standalone.sh} default ({@code KAFKA_HEAP_OPTS}). */
    static final List<String> JVM_OPTIONS = List.of("-Xms256m", "-Xmx2g");
    static final String NOTE = "the Kafka Connect JVM and its broker's JVM (Kafka's default heap, " + String.join(" ", BenchBroker.JVM_OPTIONS)
            + "), CPU seconds and peak RSS added";
    private final Path dir;
    private final PostgresService pg;
    private final String sourceDatabase;
    private final String targetDatabase;
    private final String bootstrapServers;
    private final JavaProcess broker;

    /** {@code brokerPort}: a free port for the peer's broker, which {@link #startBroker()} starts under {@code dir/kafka}. */
    KafkaConnectPeer(Path dir, String classpath, PostgresService pg, String sourceDatabase, String targetDatabase, int brokerPort) {
        super(new JavaProcess("Kafka Connect", classpath, "org.apache.kafka.connect.cli.ConnectStandalone", jvmOptions(dir),
                List.of(dir.resolve("worker.properties").toString(), dir.resolve("source.properties").toString(),
                        dir.resolve("sink.properties").toString()), dir.resolve("connect.log")), "Kafka Connect started", NOTE);
        this.dir = dir;
        this.pg = pg;
        this.sourceDatabase = sourceDatabase;
        this.targetDatabase = targetDatabase;
        this.bootstrapServers = "127.0.0.1:" + brokerPort;
        this.broker = BenchBroker.process("the peer's Kafka broker", dir, brokerPort);
        companion(broker);
    }

    /** Starts the peer's broker, before the phases: a team's Kafka is up before it deploys connectors, so its start is not timed. */
    void startBroker() throws BenchAborted {
        BenchBroker.start(broker);
    }

    @Override
    void afterStop() throws BenchAborted {
        Map<String, Object> config = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        try (Admin admin = Admin.create(config)) {
            GroupMembers.awaitNone(admin, SINK_GROUP, GROUP_EMPTY);
        } catch (KafkaException e) {
            throw new BenchAborted("cannot ask " + bootstrapServers + " for the consumer group " + SINK_GROUP + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchAborted("interrupted while waiting for the consumer group " + SINK_GROUP + " to empty", e);
        }
    }

    private static List<String> jvmOptions(Path dir) {
        List<String> jvm = new ArrayList<>(JVM_OPTIONS);
        jvm.add("-Dlogback.configurationFile=" + dir.resolve("logback.xml"));
        return jvm;
    }

    /** The description in the report, with the versions. */
    static String what(String kafkaVersion, String debeziumVersion) {
        return String.format(WHAT, kafkaVersion, debeziumVersion, BATCH_SIZE, SINK_TASKS, PARTITIONS, String.join(" ", JVM_OPTIONS),
                String.join(" ", BenchBroker.JVM_OPTIONS));
    }

    @Override
    void beforeStart() throws BenchAborted {
        try {
            writeFiles();
        } catch (UncheckedIOException e) {
            throw new BenchAborted("cannot write Kafka Connect's configuration under " + dir + ": " + e.getMessage(), e);
        }
    }

    private void writeFiles() {
        write("worker.properties", worker());
        write("source.properties", source());
        write("sink.properties", sink());
        write("logback.xml", """
                <configuration>
                  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n</pattern></encoder>
                  </appender>
                  <root level="INFO"><appender-ref ref="OUT"/></root>
                </configuration>
                """);
    }

    Map<String, String> worker() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("bootstrap.servers", bootstrapServers);
        p.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        p.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        p.put("key.converter.schemas.enable", "true");
        p.put("value.converter.schemas.enable", "true");
        p.put("offset.storage.file.filename", dir.resolve("connect.offsets").toString());
        p.put("offset.flush.interval.ms", "5000");
        p.put("listeners", "http://127.0.0.1:0");
        p.put("connector.client.config.override.policy", "All");
        p.put("plugin.discovery", "service_load");
        return p;
    }

    Map<String, String> source() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("name", "bench-source");
        p.put("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        p.put("tasks.max", "1");
        p.put("plugin.name", "pgoutput");
        p.put("database.hostname", pg.host());
        p.put("database.port", Integer.toString(pg.port()));
        p.put("database.user", pg.user());
        p.put("database.password", pg.password() == null ? "" : pg.password());
        p.put("database.dbname", sourceDatabase);
        p.put("topic.prefix", "peer");
        p.put("table.include.list", "public." + BenchTable.NAME);
        p.put("slot.name", NAME);
        p.put("publication.name", NAME);
        p.put("publication.autocreate.mode", "filtered");
        p.put("snapshot.mode", "initial");
        // the broker creates no topic on its own (as Ferry's embedded one); Connect creates the change topic with
        // as many partitions as Ferry's (6), so the sink's two tasks share it
        p.put("topic.creation.default.replication.factor", "1");
        p.put("topic.creation.default.partitions", Integer.toString(PARTITIONS));
        // as Ferry's capture: Debezium's batch and queue, and how long it waits for a quiet log
        p.put("max.batch.size", "2048");
        p.put("max.queue.size", "8192");
        return p;
    }

    Map<String, String> sink() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("name", "bench-sink");
        p.put("connector.class", "io.debezium.connector.jdbc.JdbcSinkConnector");
        p.put("tasks.max", Integer.toString(SINK_TASKS));
        p.put("topics", "peer.public." + BenchTable.NAME);
        p.put("connection.url", "jdbc:postgresql://" + pg.host() + ":" + pg.port() + "/" + targetDatabase + "?reWriteBatchedInserts=true");
        p.put("connection.username", pg.user());
        p.put("connection.password", pg.password() == null ? "" : pg.password());
        p.put("insert.mode", "upsert");
        p.put("delete.enabled", "true");
        p.put("primary.key.mode", "record_key");
        p.put("schema.evolution", "none");
        p.put("collection.name.format", BenchTable.NAME);
        p.put("quote.identifiers", "false");
        p.put("batch.size", Integer.toString(BATCH_SIZE));
        p.put("use.reduction.buffer", "true");
        p.put("consumer.override.max.poll.records", Integer.toString(BATCH_SIZE));
        return p;
    }

    private void write(String file, Map<String, String> properties) {
        write(file, properties.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue().replace("\\", "\\\\"))
                .collect(Collectors.joining("\n", "", "\n")));
    }

    private void write(String file, String text) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(file), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
