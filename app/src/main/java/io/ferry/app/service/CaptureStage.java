package io.ferry.app.service;

import io.ferry.capture.Capture;
import io.ferry.capture.CaptureSettings;
import io.ferry.capture.SnapshotProgress;
import io.ferry.core.event.Marker;
import io.ferry.transform.direct.DirectMappings;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The capture role. Every process with it joins the consumer group that owns the one-partition
 * capture-leader topic; the one Kafka assigns the partition to captures, the others stand by. When the
 * leader dies its session runs out and the partition, and capture, move to a standby. A leader that was
 * only paused is fenced by capture's fixed transactional id, so it cannot publish after its successor.
 */
final class CaptureStage implements Stage {

    private static final Logger log = LoggerFactory.getLogger(CaptureStage.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** How long a resignation or shutdown waits for capture to stop: its own bound and a margin. */
    private static final Duration STOP_WAIT = Capture.STOP_WITHIN.plusSeconds(10);
    /**
     * How long a capture fenced while this process still leads the election waits before it starts again: the time for
     * an election that moved to notice it (a process that lost its partition while cut off from Kafka resigns once it
     * reaches Kafka again).
     */
    static final Duration FENCED_RESTART = Duration.ofSeconds(10);

    private final ServiceContext context;
    private final KafkaConsumer<byte[], byte[]> election;
    private final Thread electionThread;
    /** Starts and stops capture off the election thread, which must keep polling to stay in the group. */
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "ferry-capture-control");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean running = true;
    private volatile boolean leader;
    private volatile Capture capture;
    /** Why the last start failed, while this process leads. */
    private volatile String problem = "";
    /** Why the election itself stopped: this process can never capture again (a resignation does not clear it). */
    private volatile String electionFailure = "";
    /** The capture found fenced while leading, and since when (System.nanoTime); the election thread's only. */
    private Capture fenced;
    private long fencedSince;

    CaptureStage(ServiceContext context) {
        this.context = context;
        Properties p = new Properties();
        p.putAll(context.clientBase());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, context.layout().names().captureLeaderGroup());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "2000");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "ferry-" + context.pipeline() + "-capture-election");
        // Cooperative and sticky: a process joining or leaving the group takes nothing from the leader. With the default
        // (eager) protocol every join revoked the leader's partition, which stopped Debezium and started it again, and
        // the range assignor could hand leadership to the newcomer. Processes of an older build list the cooperative
        // assignor too (Kafka's default list), so a rolling upgrade agrees on it.
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, org.apache.kafka.clients.consumer.CooperativeStickyAssignor.class.getName());
        this.election = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.electionThread = new Thread(this::elect, "ferry-capture-election");
        this.electionThread.setDaemon(true);
    }

    @Override
    public void start() {
        electionThread.start();
    }

    private void elect() {
        try {
            election.subscribe(List.of(context.layout().names().captureLeader()), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    if (!partitions.isEmpty()) {
                        resign(running ? "another process takes over capture" : "this process stops");
                    }
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    if (!partitions.isEmpty()) {
                        resign("this process lost its place in the capture group (was it paused?)");
                    }
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    if (!partitions.isEmpty()) {
                        lead();
                    }
                }
            });
            while (running) {
                election.poll(Duration.ofMillis(500));
                restartIfFenced();
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException | Error e) { // an Error too: a dead election would leave capture STANDBY, healthy
            electionFailure = "capture election failed: " + e.getMessage() + " (restart this process)";
            log.error("capture: the leader election stopped", e);
        } finally {
            election.close(Duration.ofSeconds(5));
        }
    }

    /**
     * Starts again a capture that was fenced while this process still leads: another process's producer took the
     * transactional id (a former leader that lost its partition while cut off from Kafka, relaunching before it heard),
     * and the election, which decides who captures, still says this one. Before session 34 it stayed fenced for good while
     * every process showed a healthy STANDBY, and nobody captured.
     */
    private void restartIfFenced() {
        Capture c = capture;
        if (!leader || c == null || c.state() != Capture.State.FENCED) {
            fenced = null;
            return;
        }
        if (fenced != c) {
            fenced = c;
            fencedSince = System.nanoTime();
            log.warn("capture: fenced by another producer of the same source while this process leads the capture election;"
                    + " starting it again in {} s unless the election moves", FENCED_RESTART.toSeconds());
            return;
        }
        if (System.nanoTime() - fencedSince >= FENCED_RESTART.toNanos()) {
            fenced = null;
            worker.execute(() -> {
                if (leader && capture == c) {
                    stopCapture();
                    startCapture();
                }
            });
        }
    }

    private void lead() {
        leader = true;
        log.info("capture: this process is the capture leader of {}", context.pipeline());
        worker.execute(this::startCapture);
    }

    private void resign(String why) {
        leader = false;
        log.info("capture: stopping ({})", why);
        // wait: the successor must not start while this capture still publishes (it would be fenced, but cleanly is better)
        try {
            worker.submit(this::stopCapture).get(STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
            // a start that failed while this process led is the leader's to report; a standby that reported it would hold
            // the deployment's gate for ever (the processes topic carries it) while another process captures
            problem = "";
        } catch (Exception e) {
            log.warn("capture: stopping took too long ({})", e.toString());
        }
    }

    /** Starts capture, retrying with backoff while the source cannot be reached or preflight finds problems. */
    private void startCapture() {
        Duration backoff = Duration.ofSeconds(1);
        while (running && leader && capture == null) {
            try {
                capture = Capture.start(CaptureSettings.from(context.config(), context.bootstrapServers(),
                        DirectMappings.tables(DirectMappings.of(context.config())), DirectMappings.copied(context.config())),
                        context.registry());
                problem = "";
            } catch (RuntimeException e) {
                if (leader) { // a start that failed after this process resigned is no longer its to report
                    problem = e.getMessage();
                }
                log.error("capture cannot start, trying again in {} s: {}", backoff.toSeconds(), e.getMessage());
                try {
                    Thread.sleep(backoff.toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    private void stopCapture() {
        Capture c = capture;
        capture = null;
        if (c != null) {
            c.close();
        }
    }

    /** The running capture, when this process is the leader and capture started. */
    Optional<Capture> capture() {
        return Optional.ofNullable(capture);
    }

    /** Snapshot progress per table, empty on a standby. */
    List<SnapshotProgress.TableProgress> snapshot() {
        Capture c = capture;
        return c == null ? List.of() : c.progress().tables();
    }

    /**
     * Writes a marker into the source's heartbeat table through the running capture.
     *
     * @throws IllegalStateException when this process is not capturing
     */
    long writeMarker(Marker.Kind kind) {
        Capture c = capture;
        if (c == null) {
            throw new IllegalStateException("this process is not capturing; ask the capture leader");
        }
        return c.writeMarker(kind);
    }

    /**
     * Asks the running capture for an incremental re-snapshot of the captured tables these patterns match.
     *
     * @throws IllegalStateException when this process is not capturing
     * @throws IllegalArgumentException when a pattern matches no captured table, or the source is read-only
     */
    List<io.ferry.core.event.TableId> resnapshot(List<String> tablePatterns) {
        Capture c = capture;
        if (c == null) {
            throw new IllegalStateException("this process is not capturing; ask the capture leader");
        }
        return c.resnapshot(tablePatterns);
    }

    @Override
    public StageStatus status() {
        Capture c = capture;
        if (!electionFailure.isEmpty()) {
            return new StageStatus("capture", "FAILED", electionFailure);
        }
        if (!problem.isEmpty() && c == null) {
            return new StageStatus("capture", leader ? "RETRYING" : "FAILED", problem);
        }
        if (!leader) {
            return new StageStatus("capture", running ? "STANDBY" : "STOPPED", running ? "another process of the deployment captures" : "");
        }
        if (c == null) {
            return new StageStatus("capture", "STARTING", "");
        }
        String failure = c.lastFailure().map(Throwable::getMessage).orElse("");
        Optional<String> leftOut = c.leftOut();
        return switch (c.state()) {
            // a table that matches source.tables and is not captured is missing from the targets unseen: never READY then
            // (a snapshot first: continuous validation, which runs while DEGRADED, waits for it)
            case RUNNING -> snapshotting(c) ? new StageStatus("capture", "SNAPSHOTTING", leftOut.orElse(""))
                    : leftOut.isPresent() ? new StageStatus("capture", "DEGRADED", leftOut.get()) : new StageStatus("capture", "RUNNING", "");
            case RESTARTING -> new StageStatus("capture", "RETRYING", failure);
            // the election says this process captures: a fence is another producer's doing, and capture starts again
            case FENCED -> new StageStatus("capture", "RETRYING", "fenced by another producer of the same source while this"
                    + " process leads the capture election; starting again");
            case STOPPED -> new StageStatus("capture", "STOPPED", failure);
        };
    }

    private static boolean snapshotting(Capture c) {
        return c.progress().tables().stream().anyMatch(SnapshotProgress.TableProgress::reading);
    }

    @Override
    public void close() {
        running = false;
        election.wakeup();
        try {
            electionThread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        leader = false;
        try {
            worker.submit(this::stopCapture).get(STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("capture: stopping took too long ({})", e.toString());
        }
        worker.shutdownNow();
    }
}
