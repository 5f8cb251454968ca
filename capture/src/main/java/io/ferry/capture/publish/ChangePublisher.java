package io.ferry.capture.publish;

import io.ferry.core.event.ChangeEvent;
import io.ferry.core.event.ChangeEventCodec;
import io.ferry.core.event.TableId;
import io.ferry.core.schema.TableSchema;
import io.ferry.core.schema.TableSchemaCodec;
import io.ferry.core.topic.DeadLetter;
import io.ferry.core.topic.TopicAdmin;
import io.ferry.core.topic.TopicLayout;
import io.ferry.core.topic.TopicRecords;
import io.ferry.core.topic.TopicSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes one Debezium batch as one Kafka transaction, with the producer's {@code transactional.id}
 * fixed per source: when a second capture of the same source starts, the first is fenced and can no
 * longer write. {@link #publish} returns only after Kafka committed the transaction, so the caller
 * marks Debezium's offsets only for records Kafka holds.
 */
public final class ChangePublisher implements AutoCloseable {

    /** Change topic names by table: a name is built with regular expressions, once per table is enough. */
    private final Map<TableId, String> topics = new ConcurrentHashMap<>();

    private final String pipeline;
    private final TopicLayout layout;
    private final Admin admin;
    private final KafkaProducer<byte[], byte[]> producer;
    /** Change topics known to exist, with their partition counts: markers go to every partition of each. */
    private final Map<String, Integer> changeTopics = new ConcurrentHashMap<>();
    static final int BATCH_BYTES = 256 * 1024;
    /**
     * What follows the change prefix in a change topic's name: {@code namespace.table}, each part of letters, digits, '_'
     * and '-' ({@code TopicNames}); another pipeline whose name extends this one's ({@code a.change} after {@code a}) has
     * topics under the same prefix, but none of that form.
     */
    private static final java.util.regex.Pattern CHANGE_SUFFIX = java.util.regex.Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");

    public ChangePublisher(String pipeline, TopicLayout layout, Properties clientBase, Admin admin) {
        this.pipeline = pipeline;
        this.layout = layout;
        this.admin = admin;
        Properties p = new Properties();
        p.putAll(clientBase);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, layout.names().captureTransactionalId());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // Every batch opens an LZ4 stream with two 64 KB buffers of its own: with Kafka's 16 KB batches that was eight
        // times the data in garbage (40 % of what capture allocated in a drain). A batch is as large as one partition's
        // share of a transaction, up to this; it adds no wait (linger.ms does).
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(BATCH_BYTES));
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "60000");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "ferry-" + pipeline + "-capture");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(TopicSpec.maxMessageBytes(layout.maxRecordBytes())));
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Registers with the transaction coordinator, fencing any older producer of this source. */
    public void init() {
        producer.initTransactions();
    }

    /** Makes sure a table's change topic exists, so markers reach it from now on. */
    /**
     * The existing change topic Kafka takes for this table's, if another table's (it treats '.' and '_' in topic names
     * alike, and refuses to make the second): a table that appeared while capture runs (a binlog's CREATE TABLE).
     */
    public Optional<String> collidingChangeTopic(TableId table) {
        String topic = topic(table);
        if (changeTopics.containsKey(topic)) {
            return Optional.empty();
        }
        String folded = topic.replace('.', '_');
        return changeTopics.keySet().stream().filter(t -> t.replace('.', '_').equals(folded)).findFirst();
    }

    public void ensureChangeTopic(TableId table) {
        String topic = topic(table);
        if (!changeTopics.containsKey(topic)) {
            TopicSpec spec = layout.change(table);
            TopicAdmin.ensure(admin, List.of(spec));
            changeTopics.put(topic, partitions(topic));
        }
    }

    /**
     * Adds the pipeline's change topics that exist but are not known yet (tables captured before and no longer: a shard
     * dropped at the source, a table taken out of {@code source.tables}), so markers reach them too: a transform task
     * that reads one of them (a pattern subscription) lets a marker through only once every input it read delivered it.
     *
     * @return every change topic of the pipeline that exists, with whether it holds anything yet (the transform stage makes
     *     the change topics of the tables it reads by name before capture runs; capture's first launch writes markers into
     *     every one)
     */
    public Map<String, Boolean> adoptChangeTopics() {
        String prefix = layout.names().changePrefix();
        try {
            List<String> found = admin.listTopics().names().get(60, TimeUnit.SECONDS).stream()
                    .filter(t -> t.startsWith(prefix) && CHANGE_SUFFIX.matcher(t.substring(prefix.length())).matches()).sorted().toList();
            Map<String, Boolean> out = new java.util.LinkedHashMap<>();
            if (found.isEmpty()) {
                return out;
            }
            Map<String, org.apache.kafka.clients.admin.TopicDescription> described = admin.describeTopics(found).allTopicNames()
                    .get(60, TimeUnit.SECONDS);
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> ends = new java.util.HashMap<>();
            described.forEach((topic, d) -> d.partitions().forEach(p -> ends.put(new org.apache.kafka.common.TopicPartition(topic,
                    p.partition()), org.apache.kafka.clients.admin.OffsetSpec.latest())));
            var offsets = admin.listOffsets(ends).all().get(60, TimeUnit.SECONDS);
            for (String topic : found) {
                changeTopics.putIfAbsent(topic, described.get(topic).partitions().size());
                out.put(topic, offsets.entrySet().stream().anyMatch(e -> e.getKey().topic().equals(topic) && e.getValue().offset() > 0));
            }
            return out;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new KafkaException("cannot list the change topics of " + pipeline, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while listing the change topics of " + pipeline, e);
        }
    }

    /** A table's change topic name, built once (called for every change). */
    private String topic(TableId table) {
        return topics.computeIfAbsent(table, t -> layout.names().change(t));
    }

    /** A topic created a moment ago may not be in every broker's metadata yet: its description is retried for a while. */
    private int partitions(String topic) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                return admin.describeTopics(List.of(topic)).allTopicNames().get(60, TimeUnit.SECONDS).get(topic).partitions().size();
            } catch (java.util.concurrent.ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw new KafkaException("cannot describe topic " + topic, e);
                }
            } catch (Exception e) {
                throw new KafkaException("cannot describe topic " + topic, e);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("interrupted while describing topic " + topic, e);
            }
        }
    }

    /** What one batch publishes, in order. */
    public static final class Batch {
        private final List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        private final List<TableSchema> schemas = new ArrayList<>();

        public List<TableSchema> schemas() {
            return schemas;
        }

        public int size() {
            return records.size();
        }
    }

    public Batch newBatch() {
        return new Batch();
    }

    public void addSchema(Batch batch, TableSchema schema) {
        batch.schemas.add(schema);
        batch.records.add(new ProducerRecord<>(layout.names().schemas(), TableSchemaCodec.key(schema), TableSchemaCodec.value(schema)));
    }

    /**
     * Adds a row change, or — when its record would exceed the record limit ({@code kafka.max_record_size}), which Kafka
     * would refuse and so stall capture on it for ever — a dead letter with its key, position and size.
     */
    public void addRow(Batch batch, ChangeEvent.RowChange event) {
        byte[] key = ChangeEventCodec.key(event);
        byte[] value = ChangeEventCodec.value(event);
        String topic = topic(event.table());
        if (value.length > layout.maxRecordBytes()) {
            addDeadLetter(batch, new DeadLetter(pipeline, DeadLetter.Stage.CAPTURE, event.table().toString(),
                    "change too large for Kafka", "the change event of " + event.table() + " at " + event.source().pos() + " is "
                    + value.length + " bytes, over Ferry's record limit of " + layout.maxRecordBytes() + " (kafka.max_record_size); its value is not kept",
                    java.time.Instant.now(), topic, -1, -1, key, null));
            return;
        }
        batch.records.add(new ProducerRecord<>(topic, key, value));
    }

    /** A marker goes to every partition of every change topic, behind what was sent there before. */
    public void addMarker(Batch batch, ChangeEvent.MarkerEvent marker) {
        byte[] value = ChangeEventCodec.value(marker);
        changeTopics.forEach((topic, partitions) -> {
            for (int p = 0; p < partitions; p++) {
                batch.records.add(new ProducerRecord<>(topic, p, ChangeEventCodec.key(marker, p), value));
            }
        });
    }

    /** A marker for one table (a snapshot bound) into every partition of that table's change topic. */
    public void addTableMarker(Batch batch, TableId table, ChangeEvent.MarkerEvent marker) {
        ensureChangeTopic(table);
        String topic = topic(table);
        byte[] value = ChangeEventCodec.value(marker);
        for (int p = 0; p < changeTopics.get(topic); p++) {
            batch.records.add(new ProducerRecord<>(topic, p, ChangeEventCodec.key(marker, p), value));
        }
    }

    /** A record of capture's own into the offsets topic (beside Debezium's), in the batch's fenced transaction. */
    public void addCaptureOffsetsRecord(Batch batch, byte[] key, byte[] value) {
        batch.records.add(new ProducerRecord<>(layout.names().captureOffsets(), key, value));
    }

    public void addDeadLetter(Batch batch, DeadLetter letter) {
        batch.records.add(new ProducerRecord<>(layout.names().deadLetters(), letter.originKey(), TopicRecords.deadLetterValue(letter, layout.maxRecordBytes())));
    }

    /**
     * Sends the batch in one transaction and waits for the commit.
     *
     * @throws FencedException when another capture of this source took over
     * @throws KafkaException when Kafka failed; nothing of the batch is visible, and the publisher must be
     *     closed and made anew (a failed producer may not be usable again)
     */
    public void publish(Batch batch) {
        if (batch.records.isEmpty()) {
            return;
        }
        try {
            producer.beginTransaction();
            for (ProducerRecord<byte[], byte[]> r : batch.records) {
                producer.send(r);
            }
            producer.commitTransaction();
        } catch (ProducerFencedException e) {
            throw new FencedException("capture of pipeline " + pipeline + " was fenced: another capture process for the same "
                    + "source took over (" + e.getClass().getSimpleName() + ")", e);
        } catch (KafkaException e) {
            try {
                producer.abortTransaction();
            } catch (ProducerFencedException fenced) {
                // Kafka 4's transactions report another producer's fence as InvalidProducerEpochException on a send
                throw new FencedException("capture of pipeline " + pipeline + " was fenced: another capture process for the same"
                        + " source took over (" + e.getClass().getSimpleName() + ")", e);
            } catch (KafkaException abortFailed) {
                e.addSuppressed(abortFailed);
            }
            // InvalidProducerEpochException that the abort takes is no fence: the coordinator aborted a transaction that
            // outlived transaction.timeout.ms (a partition leader unreachable for a minute) and bumped the epoch, an
            // abortable error since KIP-588. The capture starts again with a new producer (it stopped for good as fenced)
            throw e;
        }
    }

    @Override
    public void close() {
        close(java.time.Duration.ofSeconds(30));
    }

    /** Closes the producer, waiting at most {@code timeout} for what it still sends. */
    public void close(java.time.Duration timeout) {
        producer.close(timeout);
    }

    /** Another producer with the same transactional id took over; this capture must stop. */
    public static final class FencedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        FencedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The client properties of every Kafka client of this capture. */
    public static Properties clientBase(String bootstrapServers, Map<String, String> extra) {
        Properties p = new Properties();
        p.putAll(extra);
        p.put("bootstrap.servers", bootstrapServers);
        return p;
    }

    /** For tests and diagnostics: the partitions of each known change topic. */
    public Map<String, Integer> changeTopics() {
        return Map.copyOf(changeTopics);
    }
}
