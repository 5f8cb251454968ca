package io.ferry.validation.lag;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferry.core.config.PipelineConfig;
import io.ferry.core.topic.AppliedPosition;
import io.ferry.core.topic.TopicNames;
import io.ferry.core.topic.TopicRecords;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the applied-positions topic and the source's clock, computes every sink table's lag once a
 * second, and writes a record per sink and table to the lag topic every {@code validation.lag_interval}.
 * Works from any process: everything it reads is in Kafka or the source. Its own thread; {@link #latest()}
 * may be called from any thread.
 */
public final class LagTracker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LagTracker.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private volatile Throwable failure;
    private static final Duration COMPUTE_EVERY = Duration.ofSeconds(1);
    /** A computation older than this is flagged stale in every table's detail (computing takes about a second). */
    private static final Duration STALE_AFTER = Duration.ofSeconds(10);

    private final PipelineConfig config;
    private final TopicNames names;
    private final List<LagTarget> targets;
    private final LagCalculator calculator;
    private final SourceClock clock;
    private final Supplier<Map<String, String>> stages;
    private volatile java.util.function.Function<String, ObjectNode> validation = k -> null;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Map<String, AppliedPosition> positions = new HashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Computed latest = new Computed(Snapshot.NONE, 0);

    /**
     * The lag of every table at one moment.
     *
     * @param deadLetters records in the dead-letter topic (all stages)
     * @param sourceReachable false when the source's clock could not be read this time
     * @param sourceNowUs the source's clock the lag was computed against (each table's lag holds as of this
     *     source time), -1 when unknown
     */
    public record Snapshot(Instant at, List<TableLag> tables, long deadLetters, boolean sourceReachable, long sourceNowUs) {

        /** Before the first computation. */
        public static final Snapshot NONE = new Snapshot(Instant.EPOCH, List.of(), 0, false, -1);
    }

    /** A computation and when it finished on this host's monotonic clock. */
    record Computed(Snapshot snapshot, long atNanos) {
    }

    /** @param stages each stage of this process and its state, for the lag records */
    public LagTracker(PipelineConfig config, Properties clientBase, Supplier<Map<String, String>> stages) {
        this.config = config;
        this.names = new TopicNames(config.pipeline().name());
        this.targets = LagTarget.of(config);
        this.calculator = new LagCalculator(config.source().type(), config.source().readOnly(), config.validation().warnLag(),
                config.validation().criticalLag());
        this.clock = new SourceClock(config.source());
        this.stages = stages;
        Properties c = new Properties();
        c.putAll(clientBase);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "ferry-" + config.pipeline().name() + "-lag");
        this.consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        Properties p = new Properties();
        p.putAll(clientBase);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "ferry-" + config.pipeline().name() + "-lag");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        this.thread = new Thread(this::run, "ferry-lag");
        this.thread.setDaemon(true);
    }

    /**
     * Where each record's {@code validation} field comes from: the last validation's result for
     * {@code sink/table}, or null when none ran.
     */
    public void validationResults(java.util.function.Function<String, ObjectNode> byTable) {
        this.validation = byTable;
    }

    public LagTracker start() {
        thread.start();
        return this;
    }

    /**
     * The lag as of now: the last computation with the time since added to every known lag, so a tracker
     * that could not compute for a while (Kafka restarting, the source out of reach) reports a growing lag
     * rather than a stale one. Empty tables before the first computation.
     */
    public Snapshot latest() {
        return aged(latest, System.nanoTime());
    }

    Snapshot aged(Computed c, long nowNanos) {
        Snapshot s = c.snapshot();
        long ageMs = (nowNanos - c.atNanos()) / 1_000_000;
        if (s == Snapshot.NONE || ageMs <= 0) {
            return s;
        }
        List<TableLag> tables = s.tables().stream().map(l -> calculator.aged(l, ageMs, STALE_AFTER.toMillis())).toList();
        return new Snapshot(s.at().plusMillis(ageMs), tables, s.deadLetters(), s.sourceReachable(),
                s.sourceNowUs() < 0 ? -1 : s.sourceNowUs() + ageMs * 1_000);
    }

    private void run() {
        try {
            TopicPartition positionsTopic = new TopicPartition(names.appliedPositions(), 0);
            TopicPartition deadLetters = new TopicPartition(names.deadLetters(), 0);
            // The dead-letter partition is assigned but paused, never fetched: its offsets are asked for every second
            // (deadLetters()), and a read_committed consumer asked for a partition it is not assigned logs a warning
            // each time ("Not updating last stable offset ... no longer assigned"): two a second, half of a service's log.
            consumer.assign(List.of(positionsTopic, deadLetters));
            consumer.pause(List.of(deadLetters));
            consumer.seekToBeginning(List.of(positionsTopic));
            consumer.seekToEnd(List.of(deadLetters));
            long nextCompute = 0;
            long nextPublish = System.nanoTime() + config.validation().lagInterval().toNanos();
            while (running) {
                try {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        accept(r);
                    }
                    long now = System.nanoTime();
                    if (now >= nextCompute) {
                        nextCompute = now + COMPUTE_EVERY.toNanos();
                        compute();
                    }
                    if (now >= nextPublish) {
                        publish(latest());
                        nextPublish = now + config.validation().lagInterval().toNanos();
                    }
                } catch (RetriableException e) {
                    // Kafka restarting or out of reach for a while: the drain and the gate depend on this thread
                    log.warn("lag tracking: Kafka did not answer ({}); trying again", e.getMessage());
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException | Error e) {
            failure = e;
            log.error("lag tracking stopped", e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
            producer.close(Duration.ofSeconds(5));
            clock.close();
        }
    }

    private void accept(ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) {
            return;
        }
        try {
            AppliedPosition p = TopicRecords.appliedPosition(r.value());
            positions.put(LagCalculator.key(p.sink(), p.topic(), p.partition()), p);
        } catch (RuntimeException e) {
            log.warn("applied-positions offset {}: not an applied position ({}); skipped", r.offset(), e.getMessage());
        }
    }

    private void compute() {
        SourceClock.Sample sample = null;
        try {
            sample = clock.sample();
        } catch (SQLException e) {
            log.debug("cannot read the source's clock: {}", e.getMessage());
        }
        Map<String, Integer> partitions = new HashMap<>();
        Map<String, List<PartitionInfo>> topics = consumer.listTopics(Duration.ofSeconds(10));
        for (LagTarget t : targets) {
            List<PartitionInfo> info = topics.get(t.topic());
            if (info != null) {
                partitions.put(t.topic(), info.size());
            }
        }
        long deadLetters = deadLetters();
        long nanos = System.nanoTime();
        latest = new Computed(new Snapshot(Instant.now(), calculator.compute(targets, positions, partitions, sample, nanos), deadLetters,
                sample != null, sample == null ? -1 : sample.sourceNowUsAt(nanos)), nanos);
    }

    private long deadLetters() {
        TopicPartition tp = new TopicPartition(names.deadLetters(), 0);
        Map<TopicPartition, Long> end = consumer.endOffsets(List.of(tp), Duration.ofSeconds(10));
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(List.of(tp), Duration.ofSeconds(10));
        return end.getOrDefault(tp, 0L) - begin.getOrDefault(tp, 0L);
    }

    private void publish(Snapshot s) {
        Map<String, String> stageStates = stages.get();
        for (TableLag l : s.tables()) {
            ObjectNode n = record(config.pipeline().name(), s, l, stageStates);
            ObjectNode v = validation.apply(l.sink() + "/" + l.table());
            if (v != null) {
                n.set("validation", v);
            }
            producer.send(new ProducerRecord<>(names.lag(), null, n.toString().getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** One lag-topic record (also in {@code /status}); its fields are documented in validation/README.md. */
    public static ObjectNode record(String pipeline, Snapshot s, TableLag l, Map<String, String> stageStates) {
        ObjectNode n = JSON.createObjectNode();
        n.put("pipeline", pipeline);
        n.put("time", s.at().toString());
        n.put("sink", l.sink());
        n.put("table", l.table());
        if (l.known()) {
            n.put("lagMs", l.lagMs());
        } else {
            n.putNull("lagMs");
        }
        if (l.logDistance() >= 0) {
            n.put("logDistanceBytes", l.logDistance());
        } else {
            n.putNull("logDistanceBytes");
        }
        n.put("appliedPosition", l.appliedPosition());
        n.put("rowsApplied", l.rowsApplied());
        n.put("heartbeat", l.markerId());
        n.put("state", l.state());
        if (!l.detail().isEmpty()) {
            n.put("detail", l.detail());
        }
        n.put("deadLetters", s.deadLetters());
        ObjectNode st = n.putObject("stages");
        stageStates.forEach(st::put);
        return n;
    }

    /** True while its thread follows Kafka (until {@link #close()}, or until it failed: {@link #failure()}). */
    public boolean tracking() {
        return thread.isAlive();
    }

    /** Why the thread stopped following Kafka on its own, if it did. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    @Override
    public void close() {
        running = false;
        if (!thread.isAlive()) {
            consumer.close(Duration.ofSeconds(5));
            producer.close(Duration.ofSeconds(5));
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
