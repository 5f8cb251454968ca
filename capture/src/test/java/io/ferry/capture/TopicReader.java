package io.ferry.capture;

import io.ferry.core.event.ChangeEvent;
import io.ferry.core.event.ChangeEventCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads what capture committed to a topic, from the start, as a test would check it. */
final class TopicReader implements AutoCloseable {

    /** A decoded change event and the partition it was on. */
    record Received(int partition, ChangeEvent event) {
        /** Whether this is a heartbeat marker (streaming has begun), not a drain marker or a snapshot bound. */
        boolean heartbeat() {
            return event instanceof ChangeEvent.MarkerEvent m && m.marker().kind() == io.ferry.core.event.Marker.Kind.HEARTBEAT;
        }
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<Received> received = new ArrayList<>();

    TopicReader(String bootstrapServers, String topic) {
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        // a topic capture makes once it takes a table in may not be there yet
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        List<TopicPartition> partitions = List.of();
        while (partitions.isEmpty()) {
            partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            if (partitions.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("topic " + topic + " does not exist after 2 min");
                }
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted", e);
                }
            }
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Polls until the events read so far satisfy the condition, or fails after a generous minute. */
    List<Received> until(Predicate<List<Received>> done) {
        return until(done, Duration.ofSeconds(60));
    }

    /** Polls until the events read so far satisfy the condition, or fails after {@code within}. */
    List<Received> until(Predicate<List<Received>> done, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!done.test(received)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + within.toSeconds() + " s; read " + received.size() + " events, rows "
                        + rows().stream().map(r -> r.op() + " " + r.key()).toList() + "; last: " + tail());
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                received.add(new Received(r.partition(), ChangeEventCodec.decode(r.key(), r.value())));
            }
        }
        return List.copyOf(received);
    }

    List<ChangeEvent.RowChange> rows() {
        return received.stream().map(Received::event).filter(e -> e instanceof ChangeEvent.RowChange)
                .map(e -> (ChangeEvent.RowChange) e).toList();
    }

    private String tail() {
        return received.subList(Math.max(0, received.size() - 5), received.size()).toString();
    }

    @Override
    public void close() {
        consumer.close();
    }

    /** Every schema the schema topic holds, oldest first (what capture committed). */
    static List<io.ferry.core.schema.TableSchema> schemas(String bootstrapServers, String topic) {
        List<io.ferry.core.schema.TableSchema> out = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(300)).forEach(r -> out.add(io.ferry.core.schema.TableSchemaCodec.decode(r.value())));
            }
        }
        return out;
    }
}
