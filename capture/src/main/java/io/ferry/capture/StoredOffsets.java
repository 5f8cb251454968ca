package io.ferry.capture;

import io.debezium.config.Configuration;
import io.debezium.connector.mariadb.MariaDbConnectorConfig;
import io.debezium.connector.mariadb.MariaDbOffsetContext;
import io.debezium.connector.mysql.MySqlConnectorConfig;
import io.debezium.connector.mysql.MySqlOffsetContext;
import io.debezium.connector.postgresql.PostgresConnectorConfig;
import io.debezium.connector.postgresql.PostgresOffsetContext;
import io.debezium.pipeline.spi.OffsetContext;
import io.ferry.capture.source.SourceDialect;
import io.ferry.core.config.PipelineConfig;
import io.ferry.core.config.SourceSettings;
import io.ferry.core.topic.TopicNames;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.connect.json.JsonConverter;

/**
 * Capture's Debezium offsets as its offset store keeps them in the pipeline's offsets topic, read by another stage
 * (maybe in another process). A sink's bulk copy waits for a {@link #watch} to see the initial snapshot done: it reads the source as it is and
 * counts on every later change reaching the change topic, which holds only once the offsets say Debezium's initial
 * snapshot is done. A capture that starts again before that snapshots again from the log's current position, and the
 * changes committed while it was down are in neither that snapshot's copied tables (it reads one row of each) nor the
 * log it streams afterwards.
 */
public final class StoredOffsets {

    private StoredOffsets() {
    }

    /**
     * Starts following capture's stored offsets (a thread and a consumer of its own) until they say Debezium's initial
     * snapshot is done, judged by Debezium's own reading of them (as a restarted engine decides whether to snapshot
     * again). Used for PostgreSQL sources (the direct path's); the offsets of binlog sources are read the same way.
     *
     * @param clientId the consumer's client id (unique in the process)
     */
    public static Watch watch(PipelineConfig config, Properties clientBase, String clientId) {
        return new Watch(config, clientBase, clientId);
    }

    /**
     * Follows the offsets topic from its start, keeping its position, and looks at the latest offsets of this pipeline's
     * engine whenever it has read up to the topic's end; stops once they say the snapshot is done. Never throws: a failure
     * is kept ({@link #problem()}) and the watch tries again a second later.
     */
    public static final class Watch implements AutoCloseable {

        private final PipelineConfig config;
        private final Properties props = new Properties();
        private final Thread thread;
        private volatile boolean done;
        private volatile boolean closed;
        private volatile String problem;
        private volatile KafkaConsumer<byte[], byte[]> consumer;

        private Watch(PipelineConfig config, Properties clientBase, String clientId) {
            this.config = config;
            props.putAll(consumerProperties(clientBase, clientId));
            thread = new Thread(this::run, clientId);
            thread.setDaemon(true);
            thread.start();
        }

        /** True once the stored offsets said the initial snapshot is done (for good: the watch has stopped). */
        public boolean done() {
            return done;
        }

        /** The last failure to read or judge the offsets, while it lasts. */
        public Optional<String> problem() {
            return Optional.ofNullable(problem);
        }

        private void run() {
            String topic = new TopicNames(config.pipeline().name()).captureOffsets();
            String engine = engineName(config.pipeline().name());
            JsonConverter json = converter();
            try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                consumer = c;
                Map<String, ?> latest = null;
                boolean judged = true; // the latest offsets were judged already (or there are none yet)
                while (!closed && !done) {
                    try {
                        if (c.assignment().isEmpty()) {
                            var infos = c.partitionsFor(topic, Duration.ofSeconds(10));
                            if (infos == null || infos.isEmpty()) {
                                Thread.sleep(1000);
                                continue;
                            }
                            List<TopicPartition> partitions = infos.stream().map(pi -> new TopicPartition(topic, pi.partition())).toList();
                            c.assign(partitions);
                            c.seekToBeginning(partitions);
                        }
                        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                            if (ours(json, topic, engine, r.key())) {
                                latest = offset(json, topic, r.value());
                                judged = false;
                            }
                        }
                        boolean atEnd = c.assignment().stream().allMatch(tp -> c.currentLag(tp).orElse(-1) == 0);
                        if (atEnd && !judged) {
                            // judged once per new offset at the topic's end: offsets flush every second, polls return sooner
                            done = latest != null && initialSnapshotDone(config.pipeline().name(), config.source(), latest);
                            judged = true;
                        }
                        problem = null;
                    } catch (org.apache.kafka.common.errors.WakeupException e) {
                        return;
                    } catch (InterruptedException e) {
                        return;
                    } catch (RuntimeException e) {
                        problem = e.toString();
                        try {
                            Thread.sleep(1000);
                        } catch (InterruptedException ie) {
                            return;
                        }
                    }
                }
            } finally {
                consumer = null;
            }
        }

        /** Stops the watch and waits for its thread (up to 10 s). */
        @Override
        public void close() {
            closed = true;
            KafkaConsumer<byte[], byte[]> c = consumer;
            if (c != null) {
                c.wakeup();
            }
            thread.interrupt();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * This engine's latest offsets in the offsets topic, read once up to the topic's end (what a Debezium engine started
     * now would load), empty when it has none (or a tombstone is the latest). Capture calls it before it launches the
     * engine, so no offsets of its own are being written meanwhile.
     *
     * @param clientId the consumer's client id (unique in the process)
     * @throws org.apache.kafka.common.errors.TimeoutException when the topic cannot be read to its end within the timeout
     */
    public static Optional<Map<String, ?>> latest(String pipeline, Properties clientBase, String clientId, Duration timeout) {
        String topic = new TopicNames(pipeline).captureOffsets();
        String engine = engineName(pipeline);
        JsonConverter json = converter();
        return latestValue(topic, clientBase, clientId, timeout, key -> ours(json, topic, engine, key), json);
    }

    /**
     * The first element of the key of capture's own record in the offsets topic: never an engine name (pipeline names are
     * lower-case), so Debezium and {@link #ours} pass it by, while Kafka Connect's offset store takes its shape.
     */
    static final String TABLES_KEY = "Ferry capture tables";

    /**
     * The {@code source.tables} patterns the last launch of a binlog source's capture streamed with, empty when none was
     * recorded (the pipeline's first launch, or one by a version before session 27). A captured table they did not select
     * was out of Debezium's table filter then, and its changes from then on are in no change topic.
     *
     * @throws org.apache.kafka.common.errors.TimeoutException when the topic cannot be read to its end within the timeout
     */
    @SuppressWarnings("unchecked")
    static Optional<List<String>> lastTables(String pipeline, Properties clientBase, String clientId, Duration timeout) {
        String topic = new TopicNames(pipeline).captureOffsets();
        JsonConverter json = converter();
        byte[] key = tablesKey(json, topic, pipeline);
        return latestValue(topic, clientBase, clientId, timeout, k -> java.util.Arrays.equals(k, key), json)
                .map(v -> v.get("tables")).filter(List.class::isInstance).map(v -> List.copyOf((List<String>) v));
    }

    /**
     * The key and value of the record of the {@code source.tables} patterns a launch streams with ({@link #lastTables}),
     * which capture publishes in its fenced transaction: a capture that another one took over cannot overwrite it.
     */
    static byte[][] tablesRecord(String pipeline, List<String> patterns) {
        String topic = new TopicNames(pipeline).captureOffsets();
        JsonConverter json = converter();
        return new byte[][] {tablesKey(json, topic, pipeline), json.fromConnectData(topic, null, Map.of("tables", List.copyOf(patterns)))};
    }

    private static byte[] tablesKey(JsonConverter json, String topic, String pipeline) {
        return json.fromConnectData(topic, null, List.of(TABLES_KEY, Map.of("pipeline", pipeline)));
    }

    /** The latest value of the records whose key passes, read once up to the topic's end; empty for none or a tombstone. */
    private static Optional<Map<String, ?>> latestValue(String topic, Properties clientBase, String clientId, Duration timeout,
            java.util.function.Predicate<byte[]> keyPasses, JsonConverter json) {
        Properties props = consumerProperties(clientBase, clientId);
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            var infos = c.partitionsFor(topic, left(deadline));
            if (infos == null || infos.isEmpty()) {
                return Optional.empty();
            }
            List<TopicPartition> partitions = infos.stream().map(pi -> new TopicPartition(topic, pi.partition())).toList();
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = c.endOffsets(partitions, left(deadline));
            Map<String, ?> latest = null;
            while (partitions.stream().anyMatch(tp -> c.position(tp, left(deadline)) < ends.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new org.apache.kafka.common.errors.TimeoutException("cannot read " + topic + " to its end within " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.key() != null && keyPasses.test(r.key())) {
                        latest = offset(json, topic, r.value());
                    }
                }
            }
            return Optional.ofNullable(latest);
        }
    }

    /** A consumer of the offsets topic: committed records only, no group offsets of its own. */
    private static Properties consumerProperties(Properties clientBase, String clientId) {
        Properties props = new Properties();
        props.putAll(clientBase);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return props;
    }

    /** What is left of a deadline (at least a millisecond: a call with no time left fails at once). */
    private static Duration left(long deadlineNanos) {
        return Duration.ofNanos(Math.max(1_000_000, deadlineNanos - System.nanoTime()));
    }

    /**
     * True when Debezium, started now on these stored offsets, runs its initial snapshot: there are none, or they are of
     * an initial snapshot it did not finish (it reads that snapshot again from the start, every captured table in it).
     * Debezium's own rule ({@code RelationalSnapshotChangeEventSource}, snapshot mode {@code initial}).
     */
    static boolean initialSnapshotAhead(String pipeline, SourceSettings source, Optional<Map<String, ?>> stored) {
        return stored.isEmpty() || !initialSnapshotDone(pipeline, source, stored.get());
    }

    /** True when these offsets, read as Debezium reads them on a restart, say its initial snapshot is done. */
    static boolean initialSnapshotDone(String pipeline, SourceSettings source, Map<String, ?> offset) {
        Map<String, String> props = new HashMap<>(SourceDialect.of(source).debeziumProperties(pipeline));
        props.put("name", engineName(pipeline));
        props.put("topic.prefix", pipeline);
        Configuration config = Configuration.from(props);
        OffsetContext context = switch (source.type()) {
            case "postgres" -> new PostgresOffsetContext.Loader(new PostgresConnectorConfig(config)).load(offset);
            case "mysql" -> new MySqlOffsetContext.Loader(new MySqlConnectorConfig(config)).load(offset);
            case "mariadb" -> new MariaDbOffsetContext.Loader(new MariaDbConnectorConfig(config)).load(offset);
            default -> throw new IllegalArgumentException("stored offsets of a " + source.type() + " source cannot be read");
        };
        return !context.isInitialSnapshotRunning();
    }

    /** The name Debezium's engine runs under for this pipeline, the first element of its offsets' key. */
    static String engineName(String pipeline) {
        return "ferry-" + pipeline;
    }

    /** The converter the offset store writes with (Kafka Connect's JSON, no schemas). */
    static JsonConverter converter() {
        JsonConverter json = new JsonConverter();
        json.configure(Map.of("schemas.enable", "false"), false);
        return json;
    }

    /** True when an offsets record's key ({@code [engine name, source partition]}) is this engine's. */
    static boolean ours(JsonConverter json, String topic, String engine, byte[] key) {
        return key != null && json.toConnectData(topic, key).value() instanceof List<?> k && !k.isEmpty() && engine.equals(k.get(0));
    }

    /** An offsets record's value as the engine reads it back, null for a tombstone. */
    @SuppressWarnings("unchecked")
    static Map<String, ?> offset(JsonConverter json, String topic, byte[] value) {
        Object v = value == null ? null : json.toConnectData(topic, value).value();
        return v instanceof Map<?, ?> m ? (Map<String, ?>) m : null;
    }
}
