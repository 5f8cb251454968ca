package io.ferry.app.service;

import io.ferry.core.event.TableId;
import io.ferry.core.schema.TableSchema;
import io.ferry.core.schema.TableSchemaCodec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latest schema of every source table, read from the compacted schema topic and followed while the
 * service runs. Capture publishes a table's schema with its first change, so a table without rows yet
 * has none; listeners hear of every new version. Thread-safe.
 */
public final class SchemaCatalog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SchemaCatalog.class);

    private final String topic;
    private volatile String failure;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<TableId, TableSchema> latest = new ConcurrentHashMap<>();
    private final List<Consumer<Map<TableId, TableSchema>>> listeners = new CopyOnWriteArrayList<>();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean running = true;

    public SchemaCatalog(Properties clientBase, String topic) {
        this.topic = topic;
        Properties p = new Properties();
        p.putAll(clientBase);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "ferry-schema-catalog");
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "ferry-schema-catalog");
        this.thread.setDaemon(true);
    }

    /** Starts following the topic and waits until what it held at start has been read. */
    public void start(Duration timeout) {
        thread.start();
        try {
            if (!caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("could not read the schema topic " + topic + " within " + timeout.toSeconds()
                        + " s; is Kafka reachable?");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the schema topic", e);
        }
    }

    /**
     * Why the catalog stopped following the schema topic (an error its consumer cannot retry, an ACL removed), if it did:
     * from then on a new column gets no shape and validation compares stale shapes, so the gate must not open.
     */
    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    /** The latest schema per table, as known now. */
    public Map<TableId, TableSchema> schemas() {
        return Map.copyOf(latest);
    }

    /** Called on the catalog's thread with all schemas whenever one changed. */
    public void onChange(Consumer<Map<TableId, TableSchema>> listener) {
        listeners.add(listener);
    }

    private void run() {
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(60)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (running) {
                boolean changed = false;
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    changed |= accept(r);
                }
                if (caughtUp.getCount() > 0 && end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    caughtUp.countDown();
                    log.info("schema catalog: {} source tables known", latest.size());
                }
                if (changed && caughtUp.getCount() == 0) {
                    Map<TableId, TableSchema> all = schemas();
                    for (Consumer<Map<TableId, TableSchema>> l : listeners) {
                        try {
                            l.accept(all);
                        } catch (RuntimeException e) {
                            log.error("a schema listener failed", e);
                        }
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException | Error e) { // an Error too: the gate holds on the failure, not on a thread that is gone
            failure = "the schema catalog stopped following " + topic + ": " + e + " (restart this process)";
            log.error("the schema catalog stopped following {}", topic, e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private boolean accept(ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) {
            return false;
        }
        TableSchema s;
        try {
            s = TableSchemaCodec.decode(r.value());
        } catch (RuntimeException e) {
            log.warn("schema topic {} offset {}: not a table schema ({}); skipped", topic, r.offset(), e.getMessage());
            return false;
        }
        TableSchema known = latest.get(s.table());
        if (known != null && known.version() >= s.version()) {
            return false;
        }
        latest.put(s.table(), s);
        if (caughtUp.getCount() == 0) {
            log.info("schema of {} is now version {}", s.table(), s.version());
        }
        return true;
    }

    @Override
    public void close() {
        running = false;
        if (!thread.isAlive()) {
            consumer.close(Duration.ofSeconds(5));
            return;
        }
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
