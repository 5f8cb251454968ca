package io.ferry.app;

import io.ferry.core.topic.DeadLetter;
import io.ferry.core.topic.TopicNames;
import io.ferry.core.topic.TopicRecords;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** A pipeline's dead-letter topic read from its start to its end, for the ITs. */
final class DeadLetters {

    private DeadLetters() {
    }

    static List<DeadLetter> read(String bootstrap, String pipeline) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        List<DeadLetter> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            String topic = new TopicNames(pipeline).deadLetters();
            List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            var end = c.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    out.add(TopicRecords.deadLetter(r.value()));
                }
            }
        }
        return out;
    }
}
