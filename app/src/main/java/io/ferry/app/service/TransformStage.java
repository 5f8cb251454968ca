package io.ferry.app.service;

import io.ferry.core.event.TableId;
import io.ferry.core.schema.TableSchema;
import io.ferry.core.topic.TopicAdmin;
import io.ferry.core.topic.TopicLayout;
import io.ferry.core.topic.TopicSpec;
import io.ferry.transform.runtime.TransformRunner;
import io.ferry.transform.topology.Cascade;
import io.ferry.transform.topology.TransformSpec;
import io.ferry.transform.topology.TransformTopology;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transform role: the mappings' Kafka Streams topology under exactly-once v2. Processes with this role
 * share the work as one Streams application. The topology depends on the unlogged cascades among the
 * source's foreign keys, which are known only once a table's schema has been published; when they change,
 * the topology is rebuilt and Streams restarted (store and topic names do not change).
 */
final class TransformStage implements Stage {

    private static final Logger log = LoggerFactory.getLogger(TransformStage.class);

    private final ServiceContext context;
    private final SchemaCatalog catalog;
    private final Path stateDir;
    /** How long a stream thread's failure shows in the status after Streams replaced the thread. */
    private static final Duration THREAD_FAILURE_SHOWN = Duration.ofMinutes(2);
    /** How long after a failed restart of the topology it is tried again. */
    private static final long RETRY_SECONDS = 30;

    /** Held while the topology is started, restarted or stopped; the status reads the volatile fields without it. */
    private final Object lock = new Object();
    /** The cascades of the topology that runs (or ran last): set once a launch succeeded. */
    private volatile Set<Cascade> cascades = Set.of();
    private volatile TransformRunner runner;
    private boolean closed;
    /** Every mapping is direct: the stage has nothing to run. */
    private volatile boolean idle;
    /** Why the topology is being restarted right now; empty otherwise. */
    private volatile String restarting = "";
    /** Why the last restart failed (it is tried again); empty once one succeeds. */
    private volatile String restartFailure = "";
    private final java.util.concurrent.atomic.AtomicBoolean retryPending = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.ScheduledExecutorService retries = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ferry-transform-restart");
        t.setDaemon(true);
        return t;
    });

    TransformStage(ServiceContext context, SchemaCatalog catalog) {
        this.context = context;
        this.catalog = catalog;
        this.stateDir = context.dataDir().resolve("transform");
    }

    @Override
    public void start() {
        synchronized (lock) {
            launch(catalog.schemas());
        }
        catalog.onChange(schemas -> schemasChanged());
        // a cascade learned while the topology started reached no listener: compare once more
        schemasChanged();
    }

    /** Starts the topology for these schemas' cascades; {@link #cascades} and {@link #runner} are set only once it started. */
    private void launch(Map<TableId, TableSchema> schemas) {
        Set<Cascade> next = Set.copyOf(Cascade.of(context.config().source().type(), schemas.values()));
        TransformSpec spec = TransformSpec.of(context.config(), List.copyOf(next));
        if (spec.mappings().targets().isEmpty()) {
            idle = true;
            cascades = next;
            log.info("transform: every mapping takes the direct path (transform.direct); nothing to run");
            return;
        }
        createTopics(spec);
        TransformRunner started = new TransformRunner(spec, context.bootstrapServers(), stateDir, streamsProperties());
        try {
            String clusterId = clusterId();
            if (!sameCluster(clusterId)) {
                started.cleanUp();
            }
            // recorded once the other cluster's state is gone: a kill during the clean-up finds it again at the next start
            recordCluster(clusterId);
            rereadRelaidGroups(spec);
            started.start();
        } catch (RuntimeException e) {
            started.close(Duration.ofSeconds(10));
            throw e;
        }
        runner = started;
        cascades = next;
        log.info("transform: started ({} cascading foreign keys known)", next.size());
    }

    /**
     * The user's client properties, and for the topics Streams makes itself (its stores' changelogs) the replication
     * Ferry's own topics get ({@code kafka.replication_factor}); without it they had the broker's default, 1 on a stock
     * broker, whatever the pipeline asked for. The user's own {@code replication.factor} wins.
     */
    private Map<String, String> streamsProperties() {
        Map<String, String> p = new HashMap<>(context.config().kafka().properties());
        context.layout().replicationFactor().ifPresent(rf -> p.putIfAbsent("replication.factor", rf.toString()));
        // as Ferry's own topics: two replicas in sync of the three that apply (the user's replication.factor included)
        if ("3".equals(p.get("replication.factor"))) {
            p.putIfAbsent("topic.min.insync.replicas", "2");
        }
        return p;
    }

    private String clusterId() {
        try (Admin admin = Admin.create(context.clientBase())) {
            return admin.describeCluster().clusterId().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the Kafka cluster's id: " + e.getMessage(), e);
        }
    }

    /**
     * Whether the local state was built against this Kafka cluster. State from another cluster (the data
     * directory reused after Kafka was replaced) would be mixed with the new changelogs: it is deleted and
     * rebuilt instead.
     */
    private boolean sameCluster(String id) {
        Path marker = stateDir.resolve("kafka-cluster-id");
        try {
            String known = Files.exists(marker) ? Files.readString(marker).trim() : null;
            if (known != null && !known.equals(id)) {
                log.warn("transform: the local state in {} was built against Kafka cluster {}, this is {}: deleting it; it is"
                        + " rebuilt from this cluster's changelogs", stateDir, known, id);
                return false;
            }
            return known != null || !Files.exists(stateDir) || !hasState();
        } catch (IOException e) {
            throw new IllegalStateException("cannot use the transform state directory " + stateDir + ": " + e.getMessage(), e);
        }
    }

    /** Records the cluster the local state is built against, for the next start. */
    private void recordCluster(String id) {
        try {
            Files.createDirectories(stateDir);
            Files.writeString(stateDir.resolve("kafka-cluster-id"), id);
        } catch (IOException e) {
            throw new IllegalStateException("cannot use the transform state directory " + stateDir + ": " + e.getMessage(), e);
        }
    }

    /** Local state without a recorded cluster id is of unknown origin. */
    private boolean hasState() throws IOException {
        try (var entries = Files.list(stateDir)) {
            return entries.anyMatch(p -> !p.getFileName().toString().equals("kafka-cluster-id"));
        }
    }

    /**
     * A group whose layout is new (a cascading foreign key joined tables into it, or it is new) has new, empty stores:
     * its change topics are read again from the start, so its state holds every row. A layout is new when its row
     * store's changelog is not in the cluster, or when this process's record of the layouts it ran last (under the state
     * directory) leaves it out: a layout that comes back (A, then B, then A again) finds its changelog as A left it.
     * Before session 34 the record alone decided, and a process started with none (a second transform process, a new
     * volume) took every layout for new: its rewind of a group other processes were in failed its start, and of an empty
     * group read every change topic again from offset 0.
     */
    private void rereadRelaidGroups(TransformSpec spec) {
        Path record = stateDir.resolve("group-layouts");
        Map<String, Set<TableId>> layouts = TransformTopology.groupLayouts(spec);
        String application = context.layout().names().streamsApplicationId();
        Set<String> topics;
        try (Admin admin = Admin.create(context.clientBase())) {
            topics = admin.listTopics().names().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot list the Kafka cluster's topics: " + e.getMessage(), e);
        }
        try {
            Set<String> ranLast = Files.exists(record) ? new HashSet<>(Files.readAllLines(record)) : null;
            Set<TableId> reread = new LinkedHashSet<>();
            boolean[] allInCluster = {true};
            layouts.forEach((layout, tables) -> {
                boolean inCluster = topics.contains(TransformTopology.rowsChangelog(application, layout));
                if (!inCluster || (ranLast != null && !ranLast.contains(layout))) {
                    reread.addAll(tables);
                    allInCluster[0] &= inCluster;
                }
            });
            if (!reread.isEmpty()) {
                rewind(reread, allInCluster[0]);
            }
            Files.createDirectories(stateDir);
            Files.write(record, layouts.keySet());
        } catch (IOException e) {
            throw new IllegalStateException("cannot use the transform state directory " + stateDir + ": " + e.getMessage(), e);
        }
    }

    /** Moves the transform's committed offsets on these tables' change topics back to their start (none committed: nothing to do). */
    private void rewind(Set<TableId> tables, boolean othersMayRunThem) {
        String group = context.layout().names().streamsApplicationId();
        try (Admin admin = Admin.create(context.clientBase())) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin
                    .listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(60, TimeUnit.SECONDS);
            Set<String> topics = new HashSet<>();
            tables.forEach(t -> topics.add(context.layout().names().change(t)));
            Map<TopicPartition, OffsetSpec> starts = new HashMap<>();
            committed.keySet().stream().filter(tp -> topics.contains(tp.topic()))
                    .forEach(tp -> starts.put(tp, OffsetSpec.earliest()));
            if (starts.isEmpty()) {
                return;
            }
            Map<TopicPartition, OffsetAndMetadata> rewound = new HashMap<>();
            admin.listOffsets(starts).all().get(60, TimeUnit.SECONDS)
                    .forEach((tp, info) -> rewound.put(tp, new OffsetAndMetadata(info.offset())));
            try {
                admin.alterConsumerGroupOffsets(group, rewound).all().get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                boolean groupInUse = e.getCause() instanceof org.apache.kafka.common.errors.UnknownMemberIdException
                        || e.getCause() instanceof org.apache.kafka.common.errors.GroupNotEmptyException;
                if (groupInUse) {
                    // not skipped: a changelog that is there may be a layout's from before (A, B, A again), whose state is
                    // stale; this process cannot tell, so it says what to do
                    throw new IllegalStateException("cannot read " + tables + " again from the start while other processes of"
                            + " the deployment run the transform (group " + group + ")" + (othersMayRunThem ? "; if this process"
                            + " was only down while the others changed layout, delete " + stateDir.resolve("group-layouts")
                            + " and start it again" : "; it is tried again, and goes through once the others restart with the"
                            + " same layout"), e);
                }
                throw e;
            }
            log.info("transform: {} laid out anew (cascading foreign keys); reading their changes again from the start", tables);
        } catch (Exception e) {
            throw new IllegalStateException("cannot rewind the transform's offsets on " + tables + ": " + e.getMessage(), e);
        }
    }

    /** Streams does not start on a missing source topic, and the sinks subscribe to the target topics by pattern. */
    private void createTopics(TransformSpec spec) {
        TopicLayout layout = context.layout();
        List<TopicSpec> topics = new ArrayList<>();
        TransformTopology.sourceTables(spec).forEach(t -> topics.add(layout.change(t)));
        for (String target : TransformTopology.targetTopics(spec)) {
            topics.add(layout.rows(target, layout.partitions(), layout.dataRetention()));
        }
        try (Admin admin = Admin.create(context.clientBase())) {
            TopicAdmin.ensure(admin, topics);
            TopicAdmin.ensureStreamsTopicsTake(admin, layout.names().streamsApplicationId(), layout.maxRecordBytes());
        }
    }

    /**
     * Restarts the topology when the cascades changed. A restart that fails (Kafka unreachable, the state directory) is
     * shown as RETRYING with its reason and tried again in {@value #RETRY_SECONDS} s with the schemas then known; before
     * session 32 it left the stage STOPPED without a word, and nothing tried again until the next change of cascades.
     */
    private void schemasChanged() {
        synchronized (lock) {
            // the schemas as they are now, read under the lock: a caller on another thread (the start, a retry, the
            // catalog's) may hold an older copy, and would restart the topology back to older cascades
            Map<TableId, TableSchema> schemas = catalog.schemas();
            Set<Cascade> now = new HashSet<>(Cascade.of(context.config().source().type(), schemas.values()));
            if (closed || idle || now.equals(cascades) && runner != null) {
                return;
            }
            log.info("transform: the source's cascading foreign keys changed ({} now); restarting the topology", now.size());
            restarting = "restarting the topology: the source's cascading foreign keys changed";
            try {
                TransformRunner old = runner;
                if (old != null) {
                    runner = null;
                    old.close(Duration.ofSeconds(60));
                }
                launch(schemas);
                restartFailure = "";
            } catch (RuntimeException e) {
                restartFailure = e.getMessage() == null ? e.toString() : e.getMessage();
                log.error("transform: restarting the topology failed, trying again in {} s: {}", RETRY_SECONDS, restartFailure, e);
                if (retryPending.compareAndSet(false, true)) { // one retry at a time, however many changes failed
                    retries.schedule(() -> {
                        retryPending.set(false);
                        schemasChanged();
                    }, RETRY_SECONDS, TimeUnit.SECONDS);
                }
            } finally {
                restarting = "";
            }
        }
    }

    @Override
    public StageStatus status() {
        if (idle) {
            return new StageStatus("transform", "RUNNING", "every mapping takes the direct path");
        }
        TransformRunner r = runner;
        int unlogged = cascades.size();
        if (!restartFailure.isEmpty() && r == null) {
            return new StageStatus("transform", "RETRYING", "restarting the topology failed, trying again: " + restartFailure);
        }
        if (r == null) {
            return new StageStatus("transform", "STARTING", restarting);
        }
        KafkaStreams.State s = r.state();
        Optional<String> threadFailure = s == KafkaStreams.State.RUNNING ? r.recentThreadFailure(THREAD_FAILURE_SHOWN) : Optional.empty();
        if (threadFailure.isPresent()) {
            return new StageStatus("transform", "RETRYING", "a stream thread failed and was replaced within the last "
                    + THREAD_FAILURE_SHOWN.toMinutes() + " minutes: " + threadFailure.get());
        }
        return switch (s) {
            case RUNNING -> new StageStatus("transform", "RUNNING", unlogged == 0 ? ""
                    : unlogged + (unlogged == 1 ? " foreign key cascades" : " foreign keys cascade") + " unlogged at the source");
            case CREATED, REBALANCING -> new StageStatus("transform", "STARTING", s.name().toLowerCase());
            case ERROR, PENDING_ERROR -> new StageStatus("transform", "FAILED", "Kafka Streams is in state " + s);
            case PENDING_SHUTDOWN, NOT_RUNNING -> new StageStatus("transform", "STOPPED", "");
        };
    }

    @Override
    public void close() {
        retries.shutdownNow();
        synchronized (lock) {
            closed = true;
            if (runner != null) {
                runner.close(Duration.ofSeconds(60));
            }
        }
    }
}
