package io.ferry.devstack.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.devstack.KafkaService;
import io.ferry.devstack.Service;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

@WithServices(Service.KAFKA)
class KafkaIT {

    @Test
    void producedRecordIsConsumedByAGroup(KafkaService kafka) throws Exception {
        String topic = topic(kafka, "devstack-plain-");
        try (var producer = producer(kafka, Map.of())) {
            producer.send(new ProducerRecord<>(topic, "k1", "hello")).get();
        }
        assertThat(consume(kafka, topic, "read_uncommitted", 1)).containsExactly("k1=hello");
    }

    @Test
    void committedTransactionIsVisibleAndAbortedOneIsNot(KafkaService kafka) throws Exception {
        String topic = topic(kafka, "devstack-tx-");
        try (var producer = producer(kafka, Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "devstack-it-" + topic))) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "a", "aborted"));
            producer.flush();
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "c", "committed"));
            producer.commitTransaction();
        }
        assertThat(consume(kafka, topic, "read_committed", 1)).containsExactly("c=committed");
    }

    @Test
    void topicsAreNotCreatedByAccident(KafkaService kafka) {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 2000), new StringSerializer(), new StringSerializer())) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> producer.send(new ProducerRecord<>("typo-" + UUID.randomUUID(), "k", "v")).get())
                    .hasRootCauseInstanceOf(org.apache.kafka.common.errors.UnknownTopicOrPartitionException.class);
        }
    }

    @Test
    void restartKeepsCommittedRecords(KafkaService kafka) throws Exception {
        String topic = topic(kafka, "devstack-restart-");
        try (var producer = producer(kafka, Map.of())) {
            producer.send(new ProducerRecord<>(topic, "k", "before-restart")).get();
        }
        kafka.restart();
        try (var producer = producer(kafka, Map.of())) {
            producer.send(new ProducerRecord<>(topic, "k", "after-restart")).get();
        }
        assertThat(consume(kafka, topic, "read_uncommitted", 2)).containsExactly("k=before-restart", "k=after-restart");
    }

    /** devstack's Kafka does not create topics on first use, as Ferry's clusters should not. */
    private static String topic(KafkaService kafka, String prefix) throws Exception {
        String name = prefix + UUID.randomUUID();
        try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(name, 1, (short) 1))).all()
                    .get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
        return name;
    }

    private static KafkaProducer<String, String> producer(KafkaService kafka, Map<String, Object> extra) {
        Map<String, Object> config = new java.util.HashMap<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true));
        config.putAll(extra);
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    private static List<String> consume(KafkaService kafka, String topic, String isolation, int expected) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "devstack-it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        List<String> seen = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            // Poll past the expected count for a moment, so an extra (aborted) record would show up too.
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    seen.add(r.key() + "=" + r.value());
                }
                if (seen.size() >= expected) {
                    seen.addAll(drain(consumer));
                    consumer.commitSync();
                    break;
                }
            }
        }
        return seen;
    }

    private static List<String> drain(KafkaConsumer<String, String> consumer) {
        List<String> more = new ArrayList<>();
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofSeconds(1))) {
            more.add(r.key() + "=" + r.value());
        }
        return more;
    }
}
