package io.ferry.app.service;

import io.ferry.capture.source.SourceDialect;
import io.ferry.core.event.Marker;
import io.ferry.validation.diff.TableResult;
import io.ferry.validation.diff.ValidationReport;
import io.ferry.validation.diff.Validator;
import io.ferry.validation.gate.CutoverGate;
import io.ferry.validation.gate.GateState;
import io.ferry.validation.gate.ValidationSummary;
import io.ferry.validation.lag.LagTracker;
import io.ferry.validation.lag.TableLag;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The validate role: lag per sink and table (and the lag topic), the cutover gate evaluated every second,
 * and the drain that cutover uses. The gate is evaluated on a schedule, not on request, so a lag spike
 * between two requests still restarts its stable window.
 */
final class Validation implements Stage {

    private static final Logger log = LoggerFactory.getLogger(Validation.class);

    private final ServiceContext context;
    private final Supplier<List<StageStatus>> stages;
    private final CutoverGate gate;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ferry-gate");
        t.setDaemon(true);
        return t;
    });
    private final AtomicReference<GateState> state = new AtomicReference<>(new GateState(false, List.of("starting")));
    private final Map<String, double[]> lagGauges = new ConcurrentHashMap<>();
    private final SchemaCatalog catalog;
    private final TargetShapesView shapes;
    private final Map<String, long[]> errorGauges = new ConcurrentHashMap<>();
    private final java.util.concurrent.ExecutorService validator = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "ferry-validate");
        t.setDaemon(true);
        return t;
    });
    private volatile ValidationSummary lastValidation;
    private volatile ValidationReport lastReport;
    private volatile boolean validating;
    private LagTracker tracker;

    Validation(ServiceContext context, Supplier<List<StageStatus>> stages, SchemaCatalog catalog, TargetShapesView shapes) {
        this.context = context;
        this.stages = stages;
        this.catalog = catalog;
        this.shapes = shapes;
        this.gate = CutoverGate.of(context.config().validation());
    }

    @Override
    public void start() {
        tracker = new LagTracker(context.config(), context.clientBase(), this::stageStates);
        tracker.validationResults(this::validationOf);
        tracker.start();
        scheduler.scheduleWithFixedDelay(this::evaluate, 1, 1, TimeUnit.SECONDS);
        if (context.config().validation().continuous()) {
            scheduler.scheduleWithFixedDelay(this::validateWhenDue, 10, 10, TimeUnit.SECONDS);
        }
        Gauge.builder("ferry.gate.ready", state, s -> s.get().ready() ? 1 : 0).description("1 when the cutover gate is READY")
                .tag("pipeline", context.pipeline()).register(context.registry());
    }

    private Map<String, String> stageStates() {
        Map<String, String> out = new LinkedHashMap<>();
        stages.get().forEach(s -> out.put(s.stage(), s.state()));
        return out;
    }

    private void evaluate() {
        try {
            LagTracker.Snapshot lag = tracker.latest();
            List<String> problems = new ArrayList<>();
            for (StageStatus s : stages.get()) {
                if (s.stage().equals("validate")) {
                    continue;
                }
                if (!s.healthy() || s.state().equals("SNAPSHOTTING") || s.state().equals("STARTING")) {
                    problems.add(s.stage() + " is " + s.state() + (s.detail().isEmpty() ? "" : ": " + s.detail()));
                }
            }
            state.set(gate.evaluate(Instant.now(), lag.tables(), lag.deadLetters(), problems, Optional.ofNullable(lastValidation)));
            for (TableLag l : lag.tables()) {
                double[] holder = lagGauges.computeIfAbsent(l.sink() + "/" + l.table(), k -> {
                    double[] h = {Double.NaN};
                    Gauge.builder("migration.replication.lag.seconds", h, x -> x[0])
                            .description("upper bound of the lag: changes committed longer ago are applied (NaN: unknown)")
                            .tags("pipeline", context.pipeline(), "sink", l.sink(), "table", l.table()).register(context.registry());
                    return h;
                });
                holder[0] = l.known() ? l.lagMs() / 1000.0 : Double.NaN;
            }
        } catch (RuntimeException e) {
            log.error("evaluating the cutover gate failed", e);
        }
    }

    /** Continuous mode: validates once the snapshot is done and lag is known, then every {@code validation.interval}. */
    private void validateWhenDue() {
        ValidationSummary last = lastValidation;
        if (validating || (last != null && Duration.between(last.finishedAt(), Instant.now())
                .compareTo(context.config().validation().interval()) < 0)) {
            return;
        }
        boolean settled = stages.get().stream().filter(s -> !s.stage().equals("validate"))
                .allMatch(s -> s.healthy() && !s.state().equals("SNAPSHOTTING") && !s.state().equals("STARTING"));
        List<TableLag> lags = lag().tables();
        if (settled && !lags.isEmpty() && lags.stream().allMatch(TableLag::known)) {
            validator.execute(() -> {
                try {
                    validate();
                } catch (RuntimeException e) {
                    log.error("scheduled validation failed", e);
                }
            });
        }
    }

    /**
     * One full validation through the mappings; differing rows are compared again once the sinks have
     * applied a heartbeat written after the first pass (rows that only changed meanwhile are not reported).
     */
    synchronized ValidationReport validate() {
        validating = true;
        try {
            log.info("validation: comparing source and targets through the mappings");
            Validator v = new Validator(context.config(), catalog.schemas(), shapes.all());
            ValidationReport report = v.run(() -> {
                try {
                    drain(Duration.ofMinutes(5));
                } catch (java.util.concurrent.TimeoutException | RuntimeException e) {
                    log.warn("validation: the recheck waited for the sinks in vain ({}); rechecking anyway", e.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            lastReport = report;
            lastValidation = new ValidationSummary(report.finishedAt(), report.clean(), report.summary());
            for (TableResult t : report.tables()) {
                long[] holder = errorGauges.computeIfAbsent(t.sink() + "/" + t.table(), k -> {
                    long[] h = {0};
                    Gauge.builder("migration.validation.errors", h, x -> x[0]).description("rows that differ in the last validation")
                            .tags("pipeline", context.pipeline(), "sink", t.sink(), "table", t.table()).register(context.registry());
                    return h;
                });
                holder[0] = t.differences();
            }
            log.info("validation: {}", report.clean() ? "every table matches" : report.summary());
            return report;
        } finally {
            validating = false;
        }
    }

    /** The last validation's result for one {@code sink/table}, as the lag topic carries it; null before any. */
    private com.fasterxml.jackson.databind.node.ObjectNode validationOf(String sinkTable) {
        ValidationReport r = lastReport;
        if (r == null) {
            return null;
        }
        for (TableResult t : r.tables()) {
            if ((t.sink() + "/" + t.table()).equals(sinkTable)) {
                var n = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
                n.put("result", t.result());
                n.put("missing", t.missing());
                n.put("extra", t.extra());
                n.put("different", t.different());
                n.put("finishedAt", r.finishedAt().toString());
                return n;
            }
        }
        return null;
    }

    Optional<ValidationReport> lastReport() {
        return Optional.ofNullable(lastReport);
    }

    LagTracker.Snapshot lag() {
        return tracker == null ? LagTracker.Snapshot.NONE : tracker.latest();
    }

    GateState gate() {
        return state.get();
    }

    /**
     * Writes a heartbeat into the source and waits until every sink's table has applied it: afterwards,
     * everything committed at the source before this call is on every target.
     *
     * @return the heartbeat's id
     * @throws IllegalStateException when the source is read-only or cannot be reached
     * @throws java.util.concurrent.TimeoutException when the sinks did not get there in time
     */
    long drain(Duration timeout) throws java.util.concurrent.TimeoutException, InterruptedException {
        if (context.config().source().readOnly()) {
            throw new IllegalStateException("source.read_only is true: Ferry cannot write the drain marker into the source");
        }
        long id;
        SourceDialect dialect = SourceDialect.of(context.config().source());
        try (Connection c = dialect.connect()) {
            id = dialect.writeMarker(c, context.pipeline(), Marker.Kind.HEARTBEAT);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write the drain marker into the source: " + e.getMessage(), e);
        }
        log.info("drain: heartbeat {} written into the source; waiting for every sink to apply it", id);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<TableLag> tables = tracker.latest().tables();
            List<String> behind = tables.stream().filter(t -> t.markerId() < id).map(t -> t.sink() + "/" + t.table()).toList();
            if (!tables.isEmpty() && behind.isEmpty()) {
                log.info("drain: every sink applied heartbeat {}", id);
                return id;
            }
            if (System.nanoTime() > deadline) {
                throw new java.util.concurrent.TimeoutException("after " + timeout.toSeconds() + " s these have not applied heartbeat " + id
                        + ": " + (tables.isEmpty() ? "(no lag known yet)" : String.join(", ", behind)));
            }
            Thread.sleep(200);
        }
    }

    @Override
    public StageStatus status() {
        if (tracker == null) {
            return new StageStatus("validate", "STARTING", "");
        }
        return tracker.latest().sourceReachable() || tracker.latest() == LagTracker.Snapshot.NONE
                ? new StageStatus("validate", "RUNNING", "")
                : new StageStatus("validate", "RETRYING", "cannot read the source's clock: lag unknown");
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        validator.shutdownNow();
        if (tracker != null) {
            tracker.close();
        }
    }
}
