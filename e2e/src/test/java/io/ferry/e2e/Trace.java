package io.ferry.e2e;

import io.ferry.core.event.ChangeEvent;
import io.ferry.core.event.ChangeEventCodec;
import io.ferry.core.event.SourceInfo;
import io.ferry.core.event.TargetEvent;
import io.ferry.core.event.TargetEventCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsResult;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * For a failed run: where the changes of a few differing rows went. Every change and target topic of the pipeline is
 * read (committed and uncommitted records apart), and each record whose value holds one of the rows' distinctive
 * values is listed with its offset, operation and capture stamp, next to the sinks' committed offsets. It tells
 * whether a change was lost by capture, the transform or a sink.
 */
final class Trace {

    private static final Pattern DISTINCTIVE = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[\\w.+-]+@[\\w.-]+");

    private Trace() {
    }

    /** Up to {@code max} distinctive values (UUIDs, e-mail addresses) of the independent check's differing rows. */
    static List<String> needles(String independentDiff, int max) {
        Set<String> out = new java.util.LinkedHashSet<>();
        for (String line : independentDiff.split("\n")) {
            Matcher m = DISTINCTIVE.matcher(line);
            if ((line.contains("expected:") || line.contains("found:")) && m.find()) {
                out.add(m.group());
            }
            if (out.size() >= max) {
                break;
            }
        }
        return List.copyOf(out);
    }

    static String of(String bootstrap, String pipeline, List<String> needles) {
        if (needles.isEmpty()) {
            return "(no distinctive value to trace)";
        }
        StringBuilder out = new StringBuilder("tracing " + needles + "\n");
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        try (Admin admin = Admin.create(p);
                KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            c.listTopics(Duration.ofSeconds(10)).forEach((topic, infos) -> {
                if (topic.startsWith("ferry." + pipeline + ".change.") || topic.startsWith("ferry." + pipeline + ".target.")
                        || (topic.startsWith("ferry." + pipeline) && topic.endsWith("-funnel-repartition"))) {
                    infos.forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
                }
            });
            partitions.sort(Comparator.comparing(TopicPartition::toString));
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = c.endOffsets(partitions);
            List<String> hits = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (partitions.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    String value = r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8);
                    for (String n : needles) {
                        if (value.contains(n)) {
                            hits.add(n + " " + r.topic().replace("ferry." + pipeline + ".", "") + "/" + r.partition() + "@" + r.offset()
                                    + " " + describe(r));
                        }
                    }
                }
            }
            hits.stream().sorted().forEach(h -> out.append("  ").append(h).append('\n'));
            out.append(groups(admin, pipeline));
        } catch (Exception e) {
            out.append("  trace failed: ").append(e).append('\n');
        }
        return out.toString();
    }

    private static String describe(ConsumerRecord<byte[], byte[]> r) {
        try {
            if (r.topic().contains(".change.") || r.topic().endsWith("-repartition")) {
                ChangeEvent e = ChangeEventCodec.decode(r.key(), r.value());
                return e.match(row -> row.op() + " " + source(row.source()), m -> "marker " + m.marker().id() + " " + source(m.source()));
            }
            TargetEvent e = TargetEventCodec.decode(r.value());
            String kind = e.match(u -> "upsert", d -> "delete", pt -> "patch", m -> "marker " + m.marker().id());
            return kind + " " + source(e.source());
        } catch (RuntimeException e) {
            return "(undecodable: " + e.getMessage() + ")";
        }
    }

    private static String source(SourceInfo s) {
        return s == null ? "-" : "pos=" + s.pos() + " tx=" + s.txId() + " stamp=" + s.stampUs() + " ts=" + s.tsUs();
    }

    /** The committed offsets of the pipeline's consumer groups on the topics traced. */
    private static String groups(Admin admin, String pipeline) throws Exception {
        StringBuilder out = new StringBuilder();
        Set<String> ids = new TreeSet<>();
        admin.listConsumerGroups().all().get().forEach(g -> {
            if (g.groupId().startsWith("ferry." + pipeline)) {
                ids.add(g.groupId());
            }
        });
        for (String id : ids) {
            ListConsumerGroupOffsetsResult r = admin.listConsumerGroupOffsets(id);
            Map<TopicPartition, OffsetAndMetadata> offsets = r.partitionsToOffsetAndMetadata().get();
            out.append("  group ").append(id).append(": ").append(offsets.entrySet().stream()
                    .filter(e -> e.getValue() != null)
                    .sorted(Map.Entry.comparingByKey(Comparator.comparing(TopicPartition::toString)))
                    .map(e -> e.getKey().topic().replace("ferry." + pipeline + ".", "") + "/" + e.getKey().partition() + "="
                            + e.getValue().offset())
                    .collect(Collectors.joining(", "))).append('\n');
        }
        return out.toString();
    }
}
