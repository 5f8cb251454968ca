package io.ferry.capture.publish;

import io.ferry.core.event.ChangeEvent;
import io.ferry.core.event.ChangeEventCodec;
import io.ferry.core.event.EventFormatException;
import io.ferry.core.event.SourceInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Gives every published event a stamp in microseconds that grows strictly along capture's output:
 * {@code max(source commit time, previous stamp + 1)}. It stays close to the commit time, orders the
 * changes of one transaction (which share a commit time), the changes of one second on sources whose
 * clock has whole seconds (MySQL, MariaDB), and snapshot rows that carry scan times. It survives
 * restarts and takeovers: the last stamp is read back from the tails of the change topics. Not
 * thread-safe: the engine's handler calls it.
 */
public final class Stamper {

    private static final int TAIL = 20;

    private long last;

    public Stamper(long last) {
        this.last = last;
    }

    public SourceInfo stamp(SourceInfo source) {
        last = Math.max(source.tsUs(), last + 1);
        return source.withStamp(last);
    }

    public long last() {
        return last;
    }

    /** Takes back the stamps of a batch that was not published (its transaction aborted). */
    public void rewind(long to) {
        last = to;
    }

    /**
     * The largest stamp committed on these topics, and at least this host's clock in microseconds. Each partition's last
     * committed records hold its largest: its tail is read, and read again from twice as far back while it holds no
     * committed record (a transaction aborted after a crash leaves up to a batch of aborted records at a partition's end;
     * reading 20 found none there, the stamp fell back to an older one, and the replayed changes got stamps below those
     * already published: Cassandra kept the older value). The clock is a floor besides: every change a restart publishes
     * again comes after everything published before it, so its stamp must be too.
     */
    public static Stamper recover(Properties clientBase, Collection<String> changeTopics) {
        return new Stamper(Math.max(readLast(clientBase, changeTopics),
                java.time.Instant.now().toEpochMilli() * 1_000L));
    }

    /** The largest stamp committed on these topics (0 when none). */
    static long readLast(Properties clientBase, Collection<String> changeTopics) {
        Properties p = new Properties();
        p.putAll(clientBase);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // read to a known end once, at capture's start: a fetch that finds nothing new must not idle for the default 500 ms
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "10");
        // a seek below a partition's log start (retention) reads from its start, not from its end
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        long max = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : changeTopics) {
                consumer.partitionsFor(topic, Duration.ofSeconds(30)).forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
            }
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            Map<TopicPartition, Long> start = consumer.beginningOffsets(partitions, Duration.ofSeconds(30));
            Map<TopicPartition, Long> from = new java.util.HashMap<>();
            // the last offsets may be transaction markers, hence a few records, not one
            partitions.forEach(tp -> from.put(tp, Math.max(start.get(tp), end.get(tp) - TAIL)));
            List<TopicPartition> pending = partitions.stream().filter(tp -> end.get(tp) > start.get(tp)).toList();
            // 30 s, and more for a pipeline of many tables
            long deadline = System.nanoTime() + Duration.ofSeconds(30).plusMillis(50L * partitions.size()).toNanos();
            while (!pending.isEmpty()) {
                java.util.Set<TopicPartition> found = new java.util.HashSet<>();
                consumer.assign(pending);
                pending.forEach(tp -> consumer.seek(tp, from.get(tp)));
                List<TopicPartition> reading = pending;
                while (reading.stream().anyMatch(tp -> consumer.position(tp, Duration.ofSeconds(30)) < end.get(tp))) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("cannot read the last stamps back from the change topics in time");
                    }
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        found.add(new TopicPartition(r.topic(), r.partition()));
                        try {
                            ChangeEvent e = ChangeEventCodec.decode(r.key(), r.value());
                            max = Math.max(max, e.source().stampUs());
                        } catch (EventFormatException ignored) {
                            // not ours to judge here
                        }
                    }
                }
                // a partition whose tail held aborted records alone: from twice as far back
                pending = pending.stream().filter(tp -> !found.contains(tp) && from.get(tp) > start.get(tp)).toList();
                pending.forEach(tp -> from.put(tp, Math.max(start.get(tp), end.get(tp) - 2 * (end.get(tp) - from.get(tp)))));
            }
        }
        return max;
    }
}
