package io.ferry.app.service;

import io.ferry.capture.SnapshotProgress;
import io.ferry.core.config.PipelineConfig;
import io.ferry.core.config.SinkSettings;
import io.ferry.core.topic.TopicAdmin;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import io.ferry.validation.diff.ValidationReport;
import io.ferry.validation.gate.GateState;
import io.ferry.validation.lag.LagTracker;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One process of a pipeline's deployment: Kafka (the configured one, or an embedded one), the schema
 * catalog, and a stage per role. {@link #close()} stops the stages in flow order and commits what the
 * targets acknowledged; nothing unacknowledged is marked done, so a later start goes on from there.
 */
public final class FerryService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FerryService.class);

    private final PipelineConfig config;
    private final Set<Role> roles;
    private final MeterRegistry registry;
    private final List<Stage> stages = new CopyOnWriteArrayList<>();
    private EmbeddedKafka embedded;
    private SchemaCatalog catalog;
    private CaptureStage capture;
    private TargetShapesView shapes;
    private final List<SinkStage> sinks = new ArrayList<>();
    private Validation validation;
    /** The other processes on the shared Kafka; null with the embedded one. */
    private volatile Deployment deployment;
    private ServiceContext context;

    public FerryService(PipelineConfig config, Set<Role> roles, MeterRegistry registry) {
        this.config = config;
        this.roles = Set.copyOf(roles);
        this.registry = registry;
    }

    /**
     * Starts every stage of this process's roles; returns once they run (capture may still be waiting to
     * lead, Streams may still be rebalancing).
     *
     * @throws IllegalStateException when Kafka cannot be reached or a stage cannot be built
     */
    public FerryService start() {
        try {
            String bootstrap;
            if (config.kafka().embedded()) {
                embedded = EmbeddedKafka.start(config.pipeline().dataDir());
                bootstrap = embedded.bootstrapServers();
            } else {
                bootstrap = config.kafka().bootstrapServers().orElseThrow();
            }
            context = new ServiceContext(config, bootstrap, registry);
            try (Admin admin = Admin.create(context.clientBase())) {
                TopicAdmin.ensure(admin, context.layout().pipelineTopics());
            }
            catalog = new SchemaCatalog(context.clientBase(), context.layout().names().schemas());
            catalog.start(Duration.ofSeconds(60));
            shapes = new TargetShapesView(config, catalog);
            if (roles.contains(Role.CAPTURE)) {
                capture = new CaptureStage(context);
                stages.add(capture);
            }
            if (roles.contains(Role.TRANSFORM)) {
                stages.add(new TransformStage(context, catalog));
            }
            if (roles.contains(Role.SINK)) {
                for (SinkSettings s : config.sinks()) {
                    SinkStage stage = new SinkStage(context, s, shapes, catalog);
                    sinks.add(stage);
                    stages.add(stage);
                }
            }
            if (!config.kafka().embedded()) {
                deployment = new Deployment(context, roles, this::stages);
            }
            if (roles.contains(Role.VALIDATE)) {
                validation = new Validation(context, this::stages, deployment, catalog, shapes);
                stages.add(validation);
            }
            for (Stage s : stages) {
                s.start();
            }
            if (deployment != null) {
                deployment.start();
            }
            log.info("pipeline {} running: roles {}, Kafka at {}", config.pipeline().name(),
                    roles.stream().map(Role::label).sorted().toList(), bootstrap);
            return this;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    public PipelineConfig config() {
        return config;
    }

    public Set<Role> roles() {
        return roles;
    }

    /** Where this service's Kafka is; null before start. */
    public String bootstrapServers() {
        return context == null ? null : context.bootstrapServers();
    }

    /** Every stage's state now. */
    public List<StageStatus> stages() {
        return stages.stream().map(Stage::status).toList();
    }

    /**
     * The other processes of the deployment heard from lately, with their stages (none with the embedded Kafka): the gate
     * counts their stages as it counts this process's.
     */
    public List<Deployment.Process> otherProcesses() {
        Deployment d = deployment;
        return d == null ? List.of() : d.others();
    }

    /** This process's name for the others ({@code pid@host}); empty with the embedded Kafka. */
    public Optional<String> processName() {
        Deployment d = deployment;
        return d == null ? Optional.empty() : Optional.of(d.process());
    }

    /** Snapshot progress per table; empty unless this process captures. */
    public List<SnapshotProgress.TableProgress> snapshot() {
        return capture == null ? List.of() : capture.snapshot();
    }

    /** Rows written and dead letters per sink of this process. */
    public List<SinkCounts> sinkCounts() {
        return sinks.stream().map(s -> new SinkCounts(s.name(), (long) s.metrics().rowsWritten(), (long) s.metrics().deadLettered()))
                .toList();
    }

    /** Mapping problems the current source schemas reveal (unknown columns, impossible casts). */
    public List<String> mappingProblems() {
        return shapes == null ? List.of() : shapes.problems();
    }

    /** Writes a marker into the source through this process's capture, when it is the leader. */
    public Optional<Long> writeMarker(io.ferry.core.event.Marker.Kind kind) {
        if (capture == null || capture.capture().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(capture.writeMarker(kind));
    }

    /**
     * Asks capture for an incremental re-snapshot of the captured tables these patterns match (capture/README.md): each
     * table's rows are read again while its changes stream, and every target is written with them again.
     *
     * @return the tables asked for
     * @throws IllegalArgumentException when the source is read-only, or a pattern matches no captured table
     * @throws IllegalStateException when this process is not capturing (not the capture leader, or no capture role)
     */
    public List<io.ferry.core.event.TableId> resnapshot(List<String> tablePatterns) {
        if (tablePatterns.isEmpty()) {
            throw new IllegalArgumentException("name the tables to snapshot again: regular expressions over schema.table, as in source.tables (public.orders, shop\\.order_.*)");
        }
        if (capture == null) {
            throw new IllegalStateException("this process does not run the capture role; ask the capture leader");
        }
        return capture.resnapshot(tablePatterns);
    }

    /** Lag per sink and table; empty unless this process validates. */
    public Optional<LagTracker.Snapshot> lag() {
        return validation == null ? Optional.empty() : Optional.of(validation.lag());
    }

    /** The cutover gate; empty unless this process validates. */
    public Optional<GateState> gate() {
        return validation == null ? Optional.empty() : Optional.of(validation.gate());
    }

    /** What holds the gate besides lag, dead letters and the validation (Validation#blockers); empty without the validate role. */
    public Optional<List<String>> gateBlockers() {
        return validation == null ? Optional.empty() : Optional.of(validation.blockers());
    }

    /**
     * Writes a heartbeat into the source and waits until every sink applied it.
     *
     * @throws Refused when this process does not validate, or the source is read-only
     * @throws IllegalStateException when the marker cannot be written
     */
    public long drain(Duration timeout) throws TimeoutException, InterruptedException {
        if (validation == null) {
            throw new Refused("this process does not run the validate role; ask a process that does");
        }
        return validation.drain(timeout);
    }

    /**
     * Validates source against targets through the mappings now (see validation/README.md).
     *
     * @throws Refused when this process does not validate
     */
    public ValidationReport validate() {
        if (validation == null) {
            throw new Refused("this process does not run the validate role; ask a process that does");
        }
        return validation.validate();
    }

    /** The last validation's report, if one ran in this process. */
    public Optional<ValidationReport> lastValidation() {
        return validation == null ? Optional.empty() : validation.lastReport();
    }

    /** Why the last validation in this process failed; empty when it ran (then {@link #lastValidation} is its report). */
    public Optional<String> lastValidationFailure() {
        return validation == null ? Optional.empty() : validation.lastFailure();
    }

    /** Rows and dead letters one sink of this process has written since it started. */
    public record SinkCounts(String sink, long rows, long deadLetters) {
    }

    @Override
    public void close() {
        // flow order: stop reading the source first, then transform, then let the sinks finish their batch
        for (Stage s : stages) {
            try {
                s.close();
            } catch (RuntimeException e) {
                log.warn("stopping {} failed: {}", s.status().stage(), e.toString());
            }
        }
        if (deployment != null) {
            deployment.close(); // after the stages: the others see them stop, then this process leave
            deployment = null;
        }
        stages.clear();
        if (catalog != null) {
            catalog.close();
        }
        if (embedded != null) {
            embedded.close();
        }
        log.info("pipeline {} stopped", config.pipeline().name());
    }
}
