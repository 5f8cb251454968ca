package io.ferry.e2e;

import io.ferry.core.topic.DeadLetter;
import io.ferry.core.topic.TopicNames;
import io.ferry.core.topic.TopicRecords;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** The pipeline's dead-letter topic as an operator sees it with any Kafka client: read it, then clear it once handled. */
final class DeadLetters {

    private final String bootstrap;
    private final TopicPartition partition;

    DeadLetters(String bootstrap, String pipeline) {
        this.bootstrap = bootstrap;
        this.partition = new TopicPartition(new TopicNames(pipeline).deadLetters(), 0);
    }

    List<DeadLetter> read() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "e2e-" + UUID.randomUUID());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            if (c.partitionsFor(partition.topic(), Duration.ofSeconds(10)).isEmpty()) {
                return List.of();
            }
            c.assign(List.of(partition));
            c.seekToBeginning(List.of(partition));
            long end = c.endOffsets(List.of(partition)).get(partition);
            List<DeadLetter> out = new ArrayList<>();
            while (c.position(partition) < end) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofSeconds(1))) {
                    out.add(TopicRecords.deadLetter(r.value()));
                }
            }
            return out;
        }
    }

    /** What {@code kafka-delete-records.sh} does: drops everything up to the end, so the gate no longer counts it. */
    void clear() throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(p)) {
            long end = admin.listOffsets(Map.of(partition, org.apache.kafka.clients.admin.OffsetSpec.latest())).all().get()
                    .get(partition).offset();
            admin.deleteRecords(Map.of(partition, RecordsToDelete.beforeOffset(end))).all().get();
        }
    }
}
