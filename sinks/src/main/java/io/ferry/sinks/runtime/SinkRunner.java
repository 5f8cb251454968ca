package io.ferry.sinks.runtime;

import io.ferry.core.config.ConfigValues;
import io.ferry.core.event.EventFormatException;
import io.ferry.core.event.Marker;
import io.ferry.core.event.SourceInfo;
import io.ferry.core.event.TargetEvent;
import io.ferry.core.event.TargetEventCodec;
import io.ferry.core.spi.DirectDecoder;
import io.ferry.core.spi.Sink;
import io.ferry.core.spi.SinkWriteException;
import io.ferry.core.spi.TargetTable;
import io.ferry.core.topic.AppliedPosition;
import io.ferry.core.topic.DeadLetter;
import io.ferry.core.topic.TopicNames;
import io.ferry.core.topic.TopicRecords;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.HashSet;
import java.util.function.Supplier;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one sink: consumes its target topics as the consumer group {@code ferry.<pipeline>.sink.<name>},
 * batches by count and time, collapses each key's changes, writes, and only then commits the offsets and
 * publishes the applied positions. Transient failures are retried with backoff without end; records the
 * sink rejects go to the dead-letter topic and the rest of the batch is written. One batch is in flight
 * at a time. On {@link #close()} the batch in hand is finished and committed before the runner stops.
 */
public final class SinkRunner implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SinkRunner.class);

    private final int maxRecordBytes;
    /** The tables the mappings write to this sink ({@link #mappedTables}); null: not told. */
    private volatile Set<String> mapped;
    private final String pipeline;
    private final String name;
    private final Sink sink;
    private final TopicNames names;
    private final int batchRows;
    private final Duration linger;
    private final Duration maxBackoff;
    private final Properties consumerConfig;
    /** Made by {@link #start()}, which knows whether change topics are read directly. */
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> producer;
    private final SinkMetrics metrics;
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();
    private final List<ConsumerRecord<byte[], byte[]>> pending = new ArrayList<>();
    private volatile boolean running = true;
    private boolean flushing;
    private boolean inListener;
    /**
     * How long a rebalance callback retries the batch in hand before leaving it to the partitions' next owner: well under
     * {@code max.poll.interval.ms} (5 min), after which the group would take the partitions away while this member still
     * retried, and its older batch could land after the new owner's writes.
     */
    private static final Duration LISTENER_FLUSH = Duration.ofSeconds(30);
    private long listenerGivesUpAt;
    private boolean lostDuringFlush;
    private volatile Throwable failure;
    private long pendingSince;
    private volatile Supplier<Map<String, TargetTable>> knownShapes;
    private volatile ShapeWait shapeWait;
    private volatile DirectDecoder direct;
    private final Set<String> waitingFor = new HashSet<>();
    private volatile BulkCopy bulk;
    /** Copied change topics whose copy is done (their committed offsets say so): their records are applied. */
    private final Set<String> copied = new HashSet<>();
    private final Map<String, CopyTask> copies = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Long> nextCopyCheck = new HashMap<>();
    private volatile List<String> copyStatus = List.of();
    private java.util.concurrent.ExecutorService copier;
    /** Why each change topic's copy has not begun yet, as the last look found (poll thread only). */
    private final Map<String, String> copyWaits = new HashMap<>();

    /** Committed-offset metadata of a change topic whose copy has begun and not finished: the offsets are where it ended then. */
    static final String COPY_IN_PROGRESS = "ferry:bulk-copy-in-progress";

    /** One copy running on the copy thread. */
    private final class CopyTask implements BulkCopy.Progress {
        final String topic;
        final Map<TopicPartition, OffsetAndMetadata> noted;
        final List<java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata>> deadLetters =
                java.util.Collections.synchronizedList(new ArrayList<>());
        volatile boolean cancelled;
        volatile long rows;
        volatile String status = "starting";
        java.util.concurrent.Future<?> future;

        CopyTask(String topic, Map<TopicPartition, OffsetAndMetadata> noted) {
            this.topic = topic;
            this.noted = noted;
        }

        @Override
        public boolean cancelled() {
            return cancelled || !running;
        }

        @Override
        public void copied(long n) {
            rows = n;
        }

        @Override
        public void status(String text) {
            status = text;
        }

        @Override
        public void rejected(DeadLetter.Stage stage, String component, String reason, String error, byte[] key, byte[] value) {
            DeadLetter letter = new DeadLetter(pipeline, stage, component, reason, error, Instant.now(), topic, -1, -1, key, value);
            deadLetters.add(producer.send(new ProducerRecord<>(names.deadLetters(), key, TopicRecords.deadLetterValue(letter, maxRecordBytes))));
        }
    }

    /** What has been applied on one partition since this runner started. */
    private static final class PartitionState {
        SourceInfo lastSource;
        Marker lastMarker;
        long rows;
        /** The latest marker copy from each upstream task; a marker has passed when every origin sent it. */
        final Map<Integer, TargetEvent.MarkerPassage> byOrigin = new HashMap<>();

        void marker(TargetEvent.MarkerPassage m) {
            byOrigin.put(m.origin(), m);
            if (byOrigin.size() < m.origins()) {
                return;
            }
            TargetEvent.MarkerPassage slowest = null;
            for (int o = 0; o < m.origins(); o++) {
                TargetEvent.MarkerPassage x = byOrigin.get(o);
                if (x == null) {
                    return;
                }
                if (slowest == null || x.marker().id() < slowest.marker().id()) {
                    slowest = x;
                }
            }
            if (lastMarker == null || slowest.marker().id() > lastMarker.id()) {
                lastMarker = slowest.marker();
                // the heartbeat row is a change too: an idle source's applied position moves with it
                SourceInfo at = slowest.source();
                if (at != null && (lastSource == null || at.order() >= lastSource.order())) {
                    lastSource = at;
                }
            }
        }
    }

    public SinkRunner(String pipeline, String name, Sink sink, ConfigValues options, Properties clientBase, SinkMetrics metrics) {
        this(pipeline, name, sink, options, clientBase, metrics, io.ferry.core.topic.TopicSpec.MAX_RECORD_BYTES);
    }

    /** @param maxRecordBytes the pipeline's record limit ({@code kafka.max_record_size}), which its dead letters keep within */
    public SinkRunner(String pipeline, String name, Sink sink, ConfigValues options, Properties clientBase, SinkMetrics metrics,
            int maxRecordBytes) {
        this.pipeline = pipeline;
        this.maxRecordBytes = maxRecordBytes;
        this.name = name;
        this.sink = sink;
        this.names = new TopicNames(pipeline);
        this.batchRows = options.get(CommonSinkOptions.BATCH_ROWS);
        this.linger = options.get(CommonSinkOptions.BATCH_LINGER);
        this.maxBackoff = options.get(CommonSinkOptions.MAX_RETRY_BACKOFF);
        this.metrics = metrics;
        Properties c = new Properties();
        c.putAll(clientBase);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, names.sinkGroup(name));
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(batchRows));
        c.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "5000"); // new target topics are picked up within seconds
        // A process killed without leaving the group keeps its partitions until this runs out (heartbeats have
        // their own thread, so a long write does not count against it).
        c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
        c.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "3000");
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "ferry-" + pipeline + "-sink-" + name);
        this.consumerConfig = c;
        Properties p = new Properties();
        p.putAll(clientBase);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "ferry-" + pipeline + "-sink-" + name + "-positions");
        // a dead letter carries its target record, up to Ferry's largest: the default 1 MiB refused it, and the sink stopped
        // at that record again at every start
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(io.ferry.core.topic.TopicSpec.maxMessageBytes(maxRecordBytes)));
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        this.thread = new Thread(this::run, "ferry-sink-" + name);
    }

    /**
     * Makes each batch wait until every table it writes has a shape (computed from the source schemas) and every column
     * of its rows is in it ({@link ShapeWait}), instead of rejecting rows the sink cannot bind yet or leaving out a column
     * added at the source. Call before {@link #start()}.
     */
    public void awaitShapes(Supplier<Map<String, TargetTable>> shapes) {
        awaitShapes(shapes, ShapeWait.COLUMN_WAIT);
    }

    /** With another bound on the wait for a column (tests). */
    void awaitShapes(Supplier<Map<String, TargetTable>> shapes, Duration columnWait) {
        this.shapeWait = new ShapeWait(columnWait, sink.boundedByShape());
        this.knownShapes = shapes;
    }

    /**
     * The tables the pipeline's mappings write to this sink: a target topic's records of any other table (a mapping renamed
     * or removed while changes for its table were unread) are dead-lettered, not waited on for a shape that never comes,
     * which held every batch behind them. Call before {@link #start()}.
     */
    public void mappedTables(Set<String> tables) {
        this.mapped = Set.copyOf(tables);
    }

    /**
     * Also reads the change topics of the direct mappings and applies the target events the decoder makes of them
     * (their markers included). Call before {@link #start()}.
     */
    public void readDirect(DirectDecoder decoder) {
        this.direct = decoder;
    }

    /**
     * Copies the tables of these change topics in bulk before applying their changes. A topic's copy is run by the member
     * that holds its partition 0; before it begins, that member commits where the topic ends, marked
     * {@link #COPY_IN_PROGRESS}, for every partition; the other members hold their partitions of the topic until the mark
     * is gone. When the copy is done the offsets are committed again without the mark and everyone applies the changes
     * from there: those before are in the copy, which read the source after they were committed. A copy that stops
     * half-way (crash, rebalance) is done again from the start, from the same offsets. A topic with offsets committed
     * without the mark is not copied again. Call before {@link #start()}.
     */
    public void copyFirst(BulkCopy copy) {
        this.bulk = copy;
    }

    /** One line per copied table not yet applied by this runner: copying (with the rows written) or waiting. */
    public List<String> copyStatus() {
        return copyStatus;
    }

    public void start() {
        DirectDecoder d = direct;
        if (d != null && !d.topics().isEmpty()) {
            // capture makes the change topics as it starts: a direct sink (and its bulk copy) finds them within a second
            // instead of five (the pattern subscription fetches the metadata of every topic at this interval)
            consumerConfig.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "1000");
        }
        consumer = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        thread.start();
    }

    /** The error that stopped the runner, if it stopped on its own. */
    public java.util.Optional<Throwable> failure() {
        return java.util.Optional.ofNullable(failure);
    }

    public boolean isRunning() {
        return thread.isAlive();
    }

    /** Why the batch in hand is being written again, and since when its writes fail. */
    public record Retrying(String reason, java.time.Instant since) {
    }

    /** Set while the writes of the batch in hand fail and are retried (the target down, read-only, a privilege missing). */
    private volatile Retrying retrying;

    private void retrying(String reason) {
        Retrying before = retrying;
        retrying = new Retrying(reason, before == null ? Instant.now() : before.since());
    }

    /** While writes fail and are retried: the last reason and since when; empty while they succeed. */
    public java.util.Optional<Retrying> retrying() {
        return java.util.Optional.ofNullable(retrying);
    }

    private void run() {
        try {
            consumer.subscribe(subscription(), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
                    if (flushing) {
                        // revoked while a batch is being retried: abandon it, the new owner writes it again
                        lostDuringFlush = true;
                    } else {
                        inListener = true;
                        listenerGivesUpAt = System.nanoTime() + LISTENER_FLUSH.toNanos();
                        try {
                            flush();
                        } finally {
                            inListener = false;
                        }
                    }
                    revoked.forEach(partitions::remove);
                    stopCopiesOf(revoked);
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> lost) {
                    // Another member may already own these: write nothing more of them, commit nothing.
                    lostDuringFlush = flushing;
                    pending.removeIf(r -> lost.contains(new TopicPartition(r.topic(), r.partition())));
                    lost.forEach(partitions::remove);
                    stopCopiesOf(lost);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
                    assigned.forEach(tp -> partitions.computeIfAbsent(tp, k -> new PartitionState()));
                    consumer.pause(assigned.stream().filter(tp -> held(tp.topic())).toList());
                }
            });
            while (running) {
                Map<TopicPartition, Long> heldBack = new HashMap<>();
                // Idle, the poll waits for records; with a batch begun, it only takes what the consumer has in hand.
                boolean more = false;
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(pending.isEmpty() ? linger : Duration.ZERO)) {
                    if (held(r.topic())) {
                        heldBack.merge(new TopicPartition(r.topic(), r.partition()), r.offset(), Math::min);
                        continue;
                    }
                    if (pending.isEmpty()) {
                        pendingSince = System.nanoTime();
                    }
                    pending.add(r);
                    more = true;
                }
                // a held partition was resumed (a retry's pause ends with a resume): its records are read again later
                heldBack.forEach(consumer::seek);
                manageCopies();
                if (flushDue(pending.size(), batchRows, more, System.nanoTime() - pendingSince, linger)) {
                    flush();
                }
            }
        } catch (WakeupException e) {
            // close() asked us to stop
        } catch (RuntimeException e) {
            failure = e;
            log.error("sink {} stopped", name, e);
        } finally {
            try {
                flush();
            } catch (RuntimeException e) {
                log.warn("sink {}: the last batch was not finished ({}); it is written again after a restart", name, e.toString());
            }
            stopCopiesOf(consumer.assignment().stream().filter(tp -> tp.partition() == 0).toList());
            if (copier != null) {
                copier.shutdownNow();
            }
            BulkCopy b = bulk;
            if (b != null) {
                b.close();
            }
            consumer.close(Duration.ofSeconds(10));
            producer.close(Duration.ofSeconds(10));
            stopped.countDown();
        }
    }

    /**
     * Whether the batch in hand is written now: when it is full, when the stream paused (the last poll added nothing: the
     * consumer had no more records in hand), or when its first row has waited {@code batch_linger}. Batches so grow with
     * the load instead of with waiting: a lone change is written at once, a backlog in full batches, and a steady stream
     * in what arrives while the previous batch is written, up to the linger.
     */
    static boolean flushDue(int pendingRows, int batchRows, boolean lastPollAdded, long nanosSinceFirstRow, Duration linger) {
        if (pendingRows == 0) {
            return false;
        }
        return pendingRows >= batchRows || !lastPollAdded || nanosSinceFirstRow >= linger.toNanos();
    }

    /** True for a copied change topic whose copy this runner has not seen finished: its records wait. */
    private boolean held(String topic) {
        BulkCopy b = bulk;
        return b != null && b.topics().contains(topic) && !copied.contains(topic);
    }

    /**
     * Moves each copied topic on: starts its copy when this runner holds partition 0 and the group has no offsets for it
     * (or offsets marked as a copy in progress); finishes a copy that ended; releases a topic whose offsets say it is done.
     */
    private void manageCopies() {
        BulkCopy b = bulk;
        if (b == null) {
            return;
        }
        Set<TopicPartition> assigned = consumer.assignment();
        List<String> status = new ArrayList<>();
        long now = System.nanoTime();
        for (String topic : b.topics()) {
            if (copied.contains(topic)) {
                continue;
            }
            List<TopicPartition> owned = assigned.stream().filter(tp -> tp.topic().equals(topic)).toList();
            consumer.pause(owned);
            CopyTask task = copies.get(topic);
            if (task != null) {
                if (task.future.isDone()) {
                    copies.remove(topic);
                    finishCopy(task, owned);
                } else {
                    status.add(String.format("%s: copying (%s), %,d rows written", topic, task.status, task.rows));
                }
                continue;
            }
            if (owned.isEmpty()) {
                continue;
            }
            if (now < nextCopyCheck.getOrDefault(topic, 0L)) {
                status.add(topic + ": " + copyWaits.getOrDefault(topic, "waiting for the copy"));
                continue;
            }
            nextCopyCheck.put(topic, now + Duration.ofSeconds(1).toNanos());
            try {
                startOrRelease(b, topic, owned, status);
            } catch (org.apache.kafka.common.KafkaException e) {
                // the group is rebalancing, the coordinator moved, a timeout: look again in a second
                log.warn("sink {}: cannot read or commit the offsets of {} for its bulk copy ({}); trying again", name, topic, e.toString());
                waitFor(topic, "waiting for the group's offsets", status);
            }
        }
        copyStatus = List.copyOf(status);
    }

    /** Reads the topic's committed offsets: releases it when its copy is done, or starts the copy when this runner holds partition 0. */
    private void startOrRelease(BulkCopy b, String topic, List<TopicPartition> owned, List<String> status) {
        Set<TopicPartition> all = new HashSet<>();
        consumer.partitionsFor(topic).forEach(pi -> all.add(new TopicPartition(topic, pi.partition())));
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(all);
        switch (CopyMark.of(committed)) {
            case DONE -> release(topic, owned, committed);
            case NONE, IN_PROGRESS -> {
                if (!owned.contains(new TopicPartition(topic, 0))) {
                    waitFor(topic, "waiting for the copy by the member that holds partition 0", status);
                    return;
                }
                Optional<String> waiting = b.waitingFor();
                if (waiting.isPresent()) {
                    waitFor(topic, "waiting for " + waiting.get(), status);
                    return;
                }
                copyWaits.remove(topic);
                Map<TopicPartition, OffsetAndMetadata> noted = new HashMap<>();
                if (CopyMark.of(committed) == CopyMark.NONE) {
                    // every change already in the topic was committed at the source before the copy reads it
                    consumer.endOffsets(all).forEach((tp, end) -> noted.put(tp, new OffsetAndMetadata(end, COPY_IN_PROGRESS)));
                    consumer.commitSync(noted);
                    log.info("sink {}: copying the table of {} in bulk; its changes are applied afterwards from offsets {}", name,
                            topic, offsetsOf(noted));
                } else {
                    all.forEach(tp -> noted.put(tp, committed.get(tp) != null ? committed.get(tp)
                            : new OffsetAndMetadata(0, COPY_IN_PROGRESS)));
                    log.info("sink {}: the bulk copy of {}'s table did not finish before; copying it again, then applying its"
                            + " changes from offsets {}", name, topic, offsetsOf(noted));
                }
                CopyTask t = new CopyTask(topic, noted);
                if (copier == null) {
                    copier = java.util.concurrent.Executors.newSingleThreadExecutor(r -> new Thread(r, "ferry-copy-" + name));
                }
                t.future = copier.submit(() -> {
                    b.copy(topic, t);
                    return null;
                });
                copies.put(topic, t);
                status.add(topic + ": copying");
            }
        }
    }

    /** Notes why a topic's copy does not begin, shown in the status until the next look (a second later). */
    private void waitFor(String topic, String why, List<String> status) {
        copyWaits.put(topic, why);
        status.add(topic + ": " + why);
    }

    /** A copy ended: done (its dead letters sent, the offsets committed without the mark), or to be tried again. */
    private void finishCopy(CopyTask task, List<TopicPartition> owned) {
        Throwable failed = null;
        try {
            task.future.get();
            synchronized (task.deadLetters) {
                for (var f : task.deadLetters) {
                    f.get();
                }
            }
        } catch (java.util.concurrent.ExecutionException e) {
            failed = e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed = e;
        }
        if (failed instanceof IllegalStateException ise) {
            throw ise; // the sink cannot work as configured: stop, as a write would
        }
        if (failed != null || task.cancelled()) {
            if (running && !task.cancelled()) {
                log.warn("sink {}: the bulk copy of {}'s table failed ({}); copying it again in 5 s", name, task.topic,
                        failed == null ? "stopped" : failed.toString());
                nextCopyCheck.put(task.topic, System.nanoTime() + Duration.ofSeconds(5).toNanos());
            }
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
        task.noted.forEach((tp, o) -> done.put(tp, new OffsetAndMetadata(o.offset())));
        try {
            consumer.commitSync(done);
        } catch (org.apache.kafka.common.KafkaException e) {
            // the copy is written, but the group does not know: whoever holds partition 0 next copies again (idempotent)
            log.warn("sink {}: the bulk copy of {}'s table is done, but committing that failed ({}); it is copied again", name,
                    task.topic, e.toString());
            nextCopyCheck.put(task.topic, System.nanoTime() + Duration.ofSeconds(1).toNanos());
            return;
        }
        log.info("sink {}: bulk copy of {}'s table done, {} rows; applying its changes from offsets {}", name, task.topic, task.rows,
                offsetsOf(done));
        release(task.topic, owned, done);
    }

    /** The topic's copy is done: its partitions here read on from the committed offsets. */
    private void release(String topic, List<TopicPartition> owned, Map<TopicPartition, OffsetAndMetadata> committed) {
        copied.add(topic);
        for (TopicPartition tp : owned) {
            OffsetAndMetadata o = committed.get(tp);
            if (o != null) {
                consumer.seek(tp, o.offset());
            } else {
                consumer.seekToBeginning(List.of(tp));
            }
        }
        consumer.resume(owned);
    }

    /** Stops (and waits for) the copies whose partition 0 this runner no longer holds. */
    private void stopCopiesOf(Collection<TopicPartition> gone) {
        for (TopicPartition tp : gone) {
            CopyTask task = tp.partition() == 0 ? copies.remove(tp.topic()) : null;
            if (task == null) {
                continue;
            }
            task.cancelled = true;
            try {
                task.future.get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                log.debug("the copy of {} ended with {}", tp.topic(), e.toString());
            }
            log.info("sink {}: the bulk copy of {}'s table stopped ({} rows written); whoever holds its partition 0 copies it again",
                    name, tp.topic(), task.rows);
        }
    }

    private static String offsetsOf(Map<TopicPartition, OffsetAndMetadata> offsets) {
        Map<Integer, Long> byPartition = new java.util.TreeMap<>();
        offsets.forEach((tp, o) -> byPartition.put(tp.partition(), o.offset()));
        return byPartition.toString();
    }

    /** The target topics of this sink, and the change topics it reads directly. */
    private java.util.regex.Pattern subscription() {
        java.util.regex.Pattern targets = names.targetPattern(name);
        DirectDecoder d = direct;
        if (d == null || d.topics().isEmpty()) {
            return targets;
        }
        StringBuilder p = new StringBuilder("(?:").append(targets.pattern()).append(')');
        d.topics().forEach(t -> p.append("|").append(java.util.regex.Pattern.quote(t)));
        return java.util.regex.Pattern.compile(p.toString());
    }

    /** Writes what is pending, then commits and publishes positions; no-op when nothing is pending. */
    private void flush() {
        if (pending.isEmpty()) {
            return;
        }
        flushing = true;
        lostDuringFlush = false;
        try {
            flushPending();
        } finally {
            flushing = false;
        }
    }

    private void flushPending() {
        long t0 = System.nanoTime();
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>(pending);
        List<TargetEvent> events = new ArrayList<>(records.size());
        List<ConsumerRecord<byte[], byte[]>> origins = new ArrayList<>(records.size());
        List<ProducerRecord<byte[], byte[]>> deadLetters = new ArrayList<>();
        DirectDecoder decoder = direct;
        for (ConsumerRecord<byte[], byte[]> r : records) {
            if (decoder != null && decoder.topics().contains(r.topic())) {
                decodeDirect(decoder, r, events, origins, deadLetters);
                continue;
            }
            try {
                events.add(TargetEventCodec.decode(r.value()));
                origins.add(r);
            } catch (EventFormatException e) {
                deadLetters.add(deadLetter(r, "not a target event", e.getMessage()));
            }
        }
        if (mapped != null) {
            for (int i = events.size() - 1; i >= 0; i--) {
                String table = events.get(i).table();
                if (table != null && !mapped.contains(table)) {
                    deadLetters.add(deadLetter(origins.get(i), "no mapping writes table '" + table + "'", "sink " + name + " has no mapping"
                            + " to table " + table + " (renamed or removed from the pipeline file while its changes were unread): nothing"
                            + " can be written for it; put the mapping back to have it written"));
                    events.remove(i);
                    origins.remove(i);
                }
            }
        }
        if (!shapesReady(events)) {
            if (lostDuringFlush || inListener) {
                abandonPending();
            }
            return; // stopping or the partitions moved while waiting: not committed, written again by whoever owns them
        }
        List<BatchCompactor.Indexed> toWrite = BatchCompactor.compact(events);
        int written = write(toWrite, origins, deadLetters);
        if (written < 0 || lostDuringFlush) {
            if (lostDuringFlush || inListener) {
                // a callback that gave up: the batch must not stay in hand and be written after the partitions moved, over
                // what their new owner wrote meanwhile
                abandonPending();
            }
            return; // abandoned (stopping, or the partitions moved): not committed, written again by whoever owns them
        }
        // A dead letter must be in Kafka before the offset of its record is committed, or it would be lost.
        List<java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata>> sent = new ArrayList<>();
        for (ProducerRecord<byte[], byte[]> d : deadLetters) {
            sent.add(producer.send(d));
        }
        producer.flush();
        for (var f : sent) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while sending dead letters", e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("sink " + name + " cannot write to the dead-letter topic (" + e.getCause()
                        + "); stopping without committing, so nothing is lost", e.getCause());
            }
        }
        commitAndPublish(records, events, origins);
        pending.clear();
        metrics.batch(Math.max(written, 0), deadLetters.size(), System.nanoTime() - t0);
    }

    /** Maps a change record of a direct mapping; what does not map goes to the dead-letter topic under the mapping's name. */
    private void decodeDirect(DirectDecoder d, ConsumerRecord<byte[], byte[]> r, List<TargetEvent> events,
            List<ConsumerRecord<byte[], byte[]>> origins, List<ProducerRecord<byte[], byte[]>> deadLetters) {
        DirectDecoder.Decoded decoded;
        try {
            decoded = d.decode(r.topic(), r.key(), r.value());
        } catch (EventFormatException e) {
            deadLetters.add(deadLetter(r, DeadLetter.Stage.TRANSFORM, name, "malformed change event", e.getMessage()));
            return;
        }
        for (TargetEvent e : decoded.events()) {
            events.add(e);
            origins.add(r);
        }
        for (DirectDecoder.Rejection x : decoded.rejections()) {
            log.error("sink {}: a change of {} does not map ({}); it goes to the dead-letter topic", name, r.topic(), x.error());
            deadLetters.add(deadLetter(r, DeadLetter.Stage.TRANSFORM, x.mapping(), x.reason(), x.error()));
        }
    }

    /**
     * Waits (polling, paused) until the batch's tables have shapes that hold its rows' columns; false when the runner
     * stops or loses partitions first.
     */
    private boolean shapesReady(List<TargetEvent> events) {
        Supplier<Map<String, TargetTable>> known = knownShapes;
        if (known == null) {
            return true;
        }
        Duration backoff = Duration.ofMillis(100);
        while (true) {
            ShapeWait.Missing missing = shapeWait.check(events, known.get(), System.nanoTime());
            missing.givenUp().forEach((table, columns) -> log.warn("sink {}: rows of {} carry column(s) {} that its shape has"
                    + " not had in {} s of waiting; they are written as columns no mapping defines are (left out by SQL and"
                    + " Cassandra targets). A column dropped at the source before this sink started, or a mapping whose shape"
                    + " cannot be computed: see the mapping problems in the log", name, table, columns,
                    shapeWait.columnWait().toSeconds()));
            missing.valuesGivenUp().forEach((table, columns) -> log.warn("sink {}: rows of {} have values of {} that the column's"
                    + " type in its shape cannot hold, and no wider shape came in {} s of waiting; they are written as they are (the"
                    + " target rounds or refuses them; a refused row is dead-lettered). A source schema not published, or a"
                    + " mapping's default or value map wider than its column", name, table, columns, shapeWait.columnWait().toSeconds()));
            if (missing.none()) {
                if (!waitingFor.isEmpty()) {
                    retrying = null;
                }
                waitingFor.clear();
                return true;
            }
            if (inListener && missing.tables().isEmpty()) {
                // a rebalance waits for this callback: the batch is left, uncommitted, to whoever owns its partitions next
                log.info("sink {}: the partitions move before the shapes have the columns {} and the wider types of {}; the batch is"
                        + " not written here", name, missing.columns(), missing.values());
                return false;
            }
            Set<String> now = new TreeSet<>(missing.tables());
            missing.columns().forEach((table, columns) -> columns.forEach(c -> now.add(table + "." + c)));
            missing.values().forEach((table, columns) -> columns.forEach(c -> now.add(table + "." + c + " (a wider type)")));
            retrying("waiting for the shape of " + String.join(", ", now) + " (the source schemas it is mapped from are not all known yet)");
            if (waitingFor.addAll(now)) {
                if (!missing.tables().isEmpty()) {
                    log.info("sink {}: waiting for the shape of {} (the source schemas it is mapped from are not all known yet)",
                            name, missing.tables());
                }
                if (!missing.columns().isEmpty()) {
                    log.info("sink {}: waiting for the shapes of {} to have the columns their rows carry, {} (added at the source;"
                            + " the new schema is not read yet)", name, missing.columns().keySet(), missing.columns());
                }
                if (!missing.values().isEmpty()) {
                    log.info("sink {}: waiting for the shapes of {} to give the columns {} a type that holds their rows' values"
                            + " (widened at the source; the new schema is not read yet)", name, missing.values().keySet(), missing.values());
                }
            }
            if (!sleep(backoff) || lostDuringFlush) {
                return false;
            }
            backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(2)) > 0 ? Duration.ofSeconds(2) : backoff.multipliedBy(2);
        }
    }

    /** Writes with retries; returns the number of events written, or -1 when abandoned because the runner is stopping. */
    private int write(List<BatchCompactor.Indexed> toWrite, List<ConsumerRecord<byte[], byte[]>> origins,
            List<ProducerRecord<byte[], byte[]>> deadLetters) {
        // dead letters of records that never reached the sink (undecodable, unmappable) are not this write's rejections
        int rejectedBefore = deadLetters.size();
        List<BatchCompactor.Indexed> remaining = new ArrayList<>(toWrite);
        Duration backoff = Duration.ofMillis(100);
        while (!remaining.isEmpty()) {
            try {
                sink.write(remaining.stream().map(BatchCompactor.Indexed::event).toList());
                retrying = null;
                return toWrite.size() - (deadLetters.size() - rejectedBefore);
            } catch (SinkWriteException e) {
                if (e.retryable()) {
                    retrying(e.getMessage());
                    metrics.retry();
                    log.warn("sink {}: write failed ({}), retrying in {} ms", name, e.getMessage(), backoff.toMillis());
                    if (!sleep(backoff)) {
                        return -1;
                    }
                    backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
                    continue;
                }
                remaining = BatchCompactor.unrefused(remaining, e, (event, reason) -> {
                    ConsumerRecord<byte[], byte[]> origin = origins.get(event.index());
                    log.error("sink {}: a record of {} can never be written ({}); it goes to the dead-letter topic", name, origin.topic(),
                            reason);
                    // this record's own error: the exception's message lists every refused record of the batch, their values too
                    deadLetters.add(deadLetter(origin, reason, e.getCause() == null ? reason : e.getCause().getMessage()));
                });
            } catch (IllegalStateException e) {
                throw e; // the sink cannot work as configured (missing table, evolution: fail, ...): stop
            } catch (RuntimeException e) {
                retrying(e.toString());
                metrics.retry();
                log.error("sink {}: unexpected write failure, retrying in {} ms", name, backoff.toMillis(), e);
                if (!sleep(backoff)) {
                    return -1;
                }
                backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
            }
        }
        return toWrite.size() - (deadLetters.size() - rejectedBefore);
    }

    /**
     * Waits before a retry while staying in the group: the partitions are paused and polled, so a long
     * outage does not exceed max.poll.interval.ms. False when the runner is stopping or lost its partitions.
     */
    private boolean sleep(Duration d) {
        if (inListener) {
            // a rebalance callback runs inside poll(), which must not be called again from it; and the group waits for it
            long left = listenerGivesUpAt - System.nanoTime();
            if (left <= 0) {
                log.warn("sink {}: the partitions move on while the batch in hand still cannot be written; it is left, uncommitted,"
                        + " to their next owner", name);
                return false;
            }
            try {
                Thread.sleep(Math.max(1, Math.min(d.toMillis(), left / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            return running;
        }
        long until = System.nanoTime() + d.toNanos();
        var paused = consumer.assignment();
        consumer.pause(paused);
        try {
            while (running && !lostDuringFlush && System.nanoTime() < until) {
                // Paused partitions return nothing, but a rebalance inside this poll assigns partitions afresh, unpaused,
                // and the same poll may fetch from them: those records are not processed here, so they are read again.
                readAgain(consumer.poll(Duration.ofMillis(Math.min(200, Math.max(1, (until - System.nanoTime()) / 1_000_000)))));
            }
        } catch (WakeupException e) {
            running = false;
        } finally {
            consumer.resume(consumer.assignment());
        }
        return running && !lostDuringFlush;
    }

    /** Moves the consumer back to the first of these records on each of their partitions, so the next poll returns them again. */
    private void readAgain(ConsumerRecords<byte[], byte[]> records) {
        for (TopicPartition tp : records.partitions()) {
            consumer.seek(tp, records.records(tp).get(0).offset());
        }
    }

    /**
     * Drops the batch in hand without committing it. Its records are read again: on partitions this runner still owns
     * the consumer is moved back to the batch's first record (positions are past it); partitions that moved resume
     * from their committed offsets with whoever owns them.
     */
    private void abandonPending() {
        Map<TopicPartition, Long> first = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : pending) {
            first.merge(new TopicPartition(r.topic(), r.partition()), r.offset(), Math::min);
        }
        var owned = consumer.assignment();
        first.forEach((tp, offset) -> {
            if (owned.contains(tp)) {
                consumer.seek(tp, offset);
            }
        });
        pending.clear();
    }

    private void commitAndPublish(List<ConsumerRecord<byte[], byte[]>> records, List<TargetEvent> events,
            List<ConsumerRecord<byte[], byte[]>> origins) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
        }
        for (int i = 0; i < events.size(); i++) {
            TopicPartition tp = new TopicPartition(origins.get(i).topic(), origins.get(i).partition());
            PartitionState state = partitions.computeIfAbsent(tp, k -> new PartitionState());
            TargetEvent e = events.get(i);
            if (e instanceof TargetEvent.MarkerPassage m) {
                state.marker(m);
            } else {
                state.lastSource = e.source();
                state.rows++;
            }
        }
        try {
            consumer.commitSync(offsets);
        } catch (org.apache.kafka.clients.consumer.CommitFailedException e) {
            // the group moved on: the written rows are idempotent, the new owner writes them again
            log.warn("sink {}: offsets not committed, the partitions moved to another member", name);
            return;
        } catch (org.apache.kafka.common.errors.RebalanceInProgressException | org.apache.kafka.common.errors.TimeoutException e) {
            // a rebalance under way, or the group coordinator out of reach for the whole api timeout: the rows are written and
            // idempotent; the next batch's commit covers these offsets, or whoever owns the partitions then writes them again.
            // Until session 26 this stopped the sink for good (the exception left the poll loop).
            log.warn("sink {}: offsets not committed ({}); the next commit covers them, or their rows are written again", name,
                    e.toString());
            return;
        }
        Instant now = Instant.now();
        offsets.forEach((tp, offset) -> {
            PartitionState s = partitions.computeIfAbsent(tp, k -> new PartitionState());
            AppliedPosition position = new AppliedPosition(pipeline, name, tp.topic(), tp.partition(), offset.offset(), s.lastSource,
                    s.lastMarker, s.rows, now);
            producer.send(new ProducerRecord<>(names.appliedPositions(), TopicRecords.appliedPositionKey(name, tp.topic(), tp.partition()),
                    TopicRecords.appliedPositionValue(position)));
            metrics.applied(tp.topic(), s.lastSource, now);
        });
        producer.flush();
    }

    private ProducerRecord<byte[], byte[]> deadLetter(ConsumerRecord<byte[], byte[]> r, String reason, String error) {
        return deadLetter(r, DeadLetter.Stage.SINK, name, reason, error);
    }

    private ProducerRecord<byte[], byte[]> deadLetter(ConsumerRecord<byte[], byte[]> r, DeadLetter.Stage stage, String component,
            String reason, String error) {
        DeadLetter letter = new DeadLetter(pipeline, stage, component, reason, error, Instant.now(), r.topic(), r.partition(),
                r.offset(), r.key(), r.value());
        return new ProducerRecord<>(names.deadLetters(), r.key(), TopicRecords.deadLetterValue(letter, maxRecordBytes));
    }

    /** Stops consuming, finishes and commits the batch in hand, and closes the sink; waits up to a minute. */
    @Override
    public void close() {
        running = false;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c == null) {
            // never started: nothing to finish
            producer.close(Duration.ofSeconds(10));
            sink.close();
            return;
        }
        c.wakeup();
        try {
            if (!stopped.await(60, TimeUnit.SECONDS)) {
                log.warn("sink {} did not stop within 60 s", name);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sink.close();
    }
}
