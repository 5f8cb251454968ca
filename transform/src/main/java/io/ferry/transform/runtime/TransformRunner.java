package io.ferry.transform.runtime;

import io.ferry.core.topic.TopicNames;
import io.ferry.transform.topology.TransformSpec;
import io.ferry.transform.topology.TopicListing;
import io.ferry.transform.topology.TransformTopology;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the transform topology with Kafka Streams: exactly-once v2, application id
 * {@code ferry.<pipeline>.transform} (several processes with the same pipeline share the work), state
 * under the data directory. Stream thread failures replace the thread, so a transient broker error does
 * not stop the stage.
 */
public final class TransformRunner implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TransformRunner.class);

    private final KafkaStreams streams;
    /** For groups that read by pattern (their markers wait for every matching topic), else null. */
    private final AdminTopicListing listing;
    /** The last stream thread that failed (and was replaced), or null. */
    private volatile ThreadFailure lastThreadFailure;

    private record ThreadFailure(long atNanos, String message) {
    }

    public TransformRunner(TransformSpec spec, String bootstrapServers, Path stateDir, Map<String, String> clientProperties) {
        List<Pattern> patterns = TransformTopology.patternTopics(spec);
        this.listing = patterns.isEmpty() ? null : new AdminTopicListing(bootstrapServers, clientProperties, patterns);
        try {
            this.streams = new KafkaStreams(TransformTopology.build(spec, listing == null ? TopicListing.NONE : listing),
                    properties(spec, bootstrapServers, stateDir, clientProperties));
        } catch (RuntimeException e) {
            if (listing != null) {
                listing.close();
            }
            throw e;
        }
        streams.setUncaughtExceptionHandler(e -> {
            log.error("transform: a stream thread failed; replacing it", e);
            lastThreadFailure = new ThreadFailure(System.nanoTime(), e.getMessage() == null ? e.toString() : e.getMessage());
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.setStateListener((now, before) -> log.info("transform: {} -> {}", before, now));
    }

    /** How long one record's work may take, its outputs included, before the broker aborts its transaction. */
    static final java.time.Duration TRANSACTION_TIMEOUT = java.time.Duration.ofMinutes(2);

    /** The Streams configuration: Ferry's settings win over the user's client properties where they must. */
    public static Properties properties(TransformSpec spec, String bootstrapServers, Path stateDir, Map<String, String> clientProperties) {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, new TopicNames(spec.pipeline()).streamsApplicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
        p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
        p.putIfAbsent(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
        p.putIfAbsent(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDb.class.getName());
        // Streams' record cache is on the heap; one bound for all threads (exactly-once flushes it at each commit anyway)
        p.putIfAbsent(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, String.valueOf(16L << 20));
        p.putIfAbsent(StreamsConfig.producerPrefix("max.request.size"), String.valueOf(io.ferry.core.topic.TopicSpec.maxMessageBytes(spec.maxRecordBytes())));
        // the stores' changelogs take what the stores hold (a row, a document up to Ferry's largest record): the broker's
        // default of 1 MB refused a larger one, and Streams replaced the failing thread over and over
        p.putIfAbsent(StreamsConfig.topicPrefix("max.message.bytes"), String.valueOf(io.ferry.core.topic.TopicSpec.maxMessageBytes(spec.maxRecordBytes())));
        p.putIfAbsent(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        // One change may take many outputs (a customer's name denormalized into each of its million orders), all in the
        // transaction of the record that caused them: past Streams' 10 s default the broker aborted it, and the task replayed
        // the same record and timed out again, for ever. The cost: a task taken over by another process after a crash waits
        // out its open transaction (up to this long) before the sinks, reading committed records only, see its partitions move.
        p.putIfAbsent(StreamsConfig.producerPrefix("transaction.timeout.ms"), String.valueOf(TRANSACTION_TIMEOUT.toMillis()));
        // Streams does not leave its group on close by default (fewer rebalances on a rolling bounce); Ferry
        // prefers that another process, or this one started again, takes the tasks over at once. A killed
        // process holds them until its session runs out: 10 s rather than 45 s.
        p.putIfAbsent(StreamsConfig.consumerPrefix("internal.leave.group.on.close"), "true");
        p.putIfAbsent(StreamsConfig.mainConsumerPrefix("session.timeout.ms"), "10000");
        p.putIfAbsent(StreamsConfig.mainConsumerPrefix("heartbeat.interval.ms"), "3000");
        if (TransformTopology.readsByPattern(spec) && !clientProperties.containsKey("metadata.max.age.ms")) {
            // A group subscribed by a regular expression finds a new change topic (a shard capture has just seen, or the
            // change topics capture makes at its first start, after the stream threads subscribed) when its consumer
            // next refreshes metadata: every 5 minutes by default, every 2 seconds here.
            p.putIfAbsent(StreamsConfig.mainConsumerPrefix("metadata.max.age.ms"), "2000");
        }
        return p;
    }

    /**
     * Deletes this application's local state (RocksDB stores, checkpoints); Streams rebuilds it from the
     * changelog topics. Only before {@link #start()}.
     */
    public void cleanUp() {
        streams.cleanUp();
    }

    public void start() {
        streams.start();
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /**
     * What failed a stream thread within {@code within}, if one failed: Streams replaces the thread and stays RUNNING, so
     * a thread that fails over and over (a record it cannot process, a store it cannot open) shows only here and in the
     * growing lag.
     */
    public Optional<String> recentThreadFailure(Duration within) {
        ThreadFailure f = lastThreadFailure;
        if (f == null || System.nanoTime() - f.atNanos() > within.toNanos()) {
            return Optional.empty();
        }
        return Optional.of(f.message());
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    /** Stops the stream threads, committing their transactions; the consumers leave the group (see {@link #properties}). */
    public void close(Duration timeout) {
        streams.close(timeout);
        if (listing != null) {
            listing.close();
        }
    }
}
