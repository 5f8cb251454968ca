package io.ferry.app.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The other processes of this deployment and their stages, through the {@code processes} topic: every process on a
 * shared Kafka publishes its own stages there when one changes and every {@link #PUBLISH_EVERY}, and a tombstone when
 * it stops. The gate of a process counts the stages of the others (a capture leader DEGRADED or SNAPSHOTTING in
 * another process keeps it NOT_READY); a process not heard from for {@link #GONE_AFTER} is taken for gone: what it
 * did not do shows in the lag. Not started with the embedded Kafka, which no other process shares.
 */
public final class Deployment implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Deployment.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Duration PUBLISH_EVERY = Duration.ofSeconds(5);
    static final Duration GONE_AFTER = Duration.ofSeconds(30);

    /**
     * Another process as it last said.
     *
     * @param process {@code pid@host}
     * @param seenAt when it last said so: its record's time while reading what the topic held at the start, then when
     *     its record arrived
     */
    public record Process(String process, List<String> roles, Instant seenAt, List<StageStatus> stages) {
    }

    /** A process as last heard, and when on this host's monotonic clock (a wall clock stepped forward would age it). */
    private record Heard(Process process, long atNanos) {
    }

    private final String topic;
    private final String pipeline;
    private final String process;
    private final byte[] key;
    private final List<String> roles;
    private final Supplier<List<StageStatus>> own;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Map<String, Heard> others = new ConcurrentHashMap<>();
    /** Why following the topic stopped (then the gate is told), null while it runs. */
    private volatile String failure;
    /** Whether what the topic held at the start has been read: until then the gate does not know the deployment. */
    private volatile boolean caughtUp;
    /** Sends that failed since the last one that went through (the first of a streak is logged). */
    private final java.util.concurrent.atomic.AtomicInteger failedSends = new java.util.concurrent.atomic.AtomicInteger();
    private final Thread thread;
    private volatile boolean running = true;

    Deployment(ServiceContext context, Set<Role> roles, Supplier<List<StageStatus>> own) {
        this.topic = context.layout().names().processes();
        this.pipeline = context.pipeline();
        this.process = ProcessHandle.current().pid() + "@" + hostName();
        ObjectNode k = JSON.createObjectNode();
        k.put("pipeline", pipeline);
        k.put("process", process);
        k.put("startedAt", Instant.now().toString()); // a later process with the same pid and host is another one
        this.key = k.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        this.roles = roles.stream().map(Role::label).sorted().toList();
        this.own = own;
        Properties c = context.clientBase();
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "ferry-" + pipeline + "-processes");
        this.consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        Properties p = context.clientBase();
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "ferry-" + pipeline + "-processes");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        // a send waits for metadata at most this long (60 s by default): a stop with Kafka away is not held a minute
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        this.thread = new Thread(this::run, "ferry-processes");
        this.thread.setDaemon(true);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }

    void start() {
        thread.start();
    }

    /** This process as the others see it: {@code pid@host}. */
    String process() {
        return process;
    }

    /** The other processes heard from within {@link #GONE_AFTER}, by name. */
    List<Process> others() {
        long now = System.nanoTime();
        return others.values().stream().filter(h -> now - h.atNanos() < GONE_AFTER.toNanos()).map(Heard::process)
                .sorted(Comparator.comparing(Process::process)).toList();
    }

    /**
     * Why the gate cannot count on this view of the deployment: the topic's earlier records are not read yet, or following
     * it stopped. Empty when the view is whole.
     */
    java.util.Optional<String> problem() {
        if (failure != null) {
            return java.util.Optional.of("following the deployment's other processes (" + topic + ") stopped: " + failure
                    + "; restart this process");
        }
        return caughtUp ? java.util.Optional.empty()
                : java.util.Optional.of("reading the deployment's other processes from " + topic + " (not done yet)");
    }

    private void run() {
        TopicPartition partition = new TopicPartition(topic, 0);
        List<StageStatus> published = null;
        long nextPublish = 0;
        try {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            // what the topic held before this process: judged by each record's own time (a process that died an hour ago
            // left its last record); what arrives later is as fresh as its arrival
            long backlogEnd = -1;
            while (running) {
                try {
                    if (backlogEnd < 0) {
                        backlogEnd = consumer.endOffsets(List.of(partition), Duration.ofSeconds(30)).getOrDefault(partition, 0L);
                    }
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofSeconds(1))) {
                        accept(r, r.offset() < backlogEnd);
                    }
                    if (!caughtUp && consumer.position(partition) >= backlogEnd) {
                        caughtUp = true;
                    }
                    long now = System.nanoTime();
                    others.values().removeIf(h -> now - h.atNanos() > 10 * GONE_AFTER.toNanos()); // killed processes
                    List<StageStatus> stages = own.get();
                    if (!stages.equals(published) || now >= nextPublish) {
                        publish(stages);
                        published = stages;
                        nextPublish = now + PUBLISH_EVERY.toNanos();
                    }
                } catch (RetriableException e) {
                    log.debug("processes topic: Kafka did not answer ({}); trying again", e.getMessage());
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException | Error e) {
            // the gate is told (problem()): it cannot count the other processes' stages any more (an Error too: a thread
            // that died of one left the gate counting none of them, without a word)
            failure = e.toString();
            log.error("following the other processes of the deployment ({}) stopped; the cutover gate stays NOT_READY", topic, e);
        }
    }

    private void accept(ConsumerRecord<byte[], byte[]> r, boolean backlog) {
        if (java.util.Arrays.equals(r.key(), key)) {
            return;
        }
        String id = r.key() == null ? "" : new String(r.key(), java.nio.charset.StandardCharsets.UTF_8);
        if (r.value() == null) {
            others.remove(id);
            return;
        }
        try {
            JsonNode v = JSON.readTree(r.value());
            if (!v.path("pipeline").asText().equals(pipeline)) {
                return;
            }
            List<String> theirRoles = new ArrayList<>();
            v.path("roles").forEach(n -> theirRoles.add(n.asText()));
            List<StageStatus> stages = new ArrayList<>();
            for (JsonNode s : v.path("stages")) {
                stages.add(new StageStatus(s.path("stage").asText(), s.path("state").asText(), s.path("detail").asText("")));
            }
            Instant said = Instant.parse(v.path("time").asText());
            Instant now = Instant.now();
            Instant seen = backlog && said.isBefore(now) ? said : now;
            long atNanos = System.nanoTime() - Duration.between(seen, now).toNanos();
            others.put(id, new Heard(new Process(v.path("process").asText(), theirRoles, seen, stages), atNanos));
        } catch (IOException | RuntimeException e) {
            log.warn("{} offset {}: not a process record ({}); skipped", topic, r.offset(), e.getMessage());
        }
    }

    private void publish(List<StageStatus> stages) {
        ObjectNode v = JSON.createObjectNode();
        v.put("pipeline", pipeline);
        v.put("process", process);
        ArrayNode r = v.putArray("roles");
        roles.forEach(r::add);
        v.put("time", Instant.now().toString());
        ArrayNode list = v.putArray("stages");
        for (StageStatus s : stages) {
            ObjectNode n = list.addObject();
            n.put("stage", s.stage());
            n.put("state", s.state());
            n.put("detail", s.detail());
        }
        producer.send(new ProducerRecord<>(topic, 0, key, v.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                (meta, e) -> {
                    if (e == null) {
                        failedSends.set(0);
                    } else if (failedSends.getAndIncrement() == 0) {
                        // the other processes take this one for gone after 30 s, and count none of its stages then
                        log.warn("cannot publish this process's stages to {} (the other processes' gates do not see them): {}",
                                topic, e.toString());
                    }
                });
    }

    /** Stops following and publishing, and removes this process from the topic (a tombstone). */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            producer.send(new ProducerRecord<>(topic, 0, key, null));
        } catch (RuntimeException e) {
            log.debug("cannot remove this process from {}: {}", topic, e.toString());
        }
        producer.close(Duration.ofSeconds(5));
        consumer.close(Duration.ofSeconds(5));
    }
}
