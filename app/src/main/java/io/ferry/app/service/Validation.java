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
    /** How long a validation's recheck waits for the pipeline to apply what the source committed before it. */
    private static final Duration RECHECK_WAIT = Duration.ofMinutes(5);
    /** The gate is evaluated every second: an answer older than this is not trusted. */
    private static final Duration GATE_STALE_AFTER = Duration.ofSeconds(10);
    /** On a read-only source, how long a recheck waits for the lag to say the pipeline caught up (it cannot when idle). */
    static final Duration READ_ONLY_RECHECK_WAIT = Duration.ofSeconds(60);
    /** When the gate was last evaluated (System.nanoTime). */
    private volatile long evaluatedAt = System.nanoTime();
    private final AtomicReference<GateState> state = new AtomicReference<>(new GateState(false, List.of("starting")));
    /** What holds the gate besides the lag, the dead letters and the validation, as of the last evaluation. */
    private volatile List<String> blockers = List.of("starting");
    private final Map<String, double[]> lagGauges = new ConcurrentHashMap<>();
    private final SchemaCatalog catalog;
    private final TargetShapesView shapes;
    private final Map<String, long[]> errorGauges = new ConcurrentHashMap<>();
    /** Full validations, one at a time, each shared by the calls made before it began. */
    private final SharedRuns<ValidationReport> runs = new SharedRuns<>(this::runValidation);
    private final java.util.concurrent.ExecutorService validator = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "ferry-validate");
        t.setDaemon(true);
        return t;
    });
    private volatile ValidationSummary lastValidation;
    private volatile ValidationReport lastReport;
    /** Why the last validation failed, or null when it ran (its report is {@link #lastReport}). */
    private volatile String lastFailure;
    /** When continuous mode validates next: an interval after a validation began, a minute at most after one failed. */
    private volatile Instant nextDue = Instant.MIN;
    private volatile boolean validating;
    private LagTracker tracker;

    /** The other processes of the deployment; null with the embedded Kafka, which no other process shares. */
    private final Deployment deployment;

    Validation(ServiceContext context, Supplier<List<StageStatus>> stages, Deployment deployment, SchemaCatalog catalog,
            TargetShapesView shapes) {
        this.context = context;
        this.stages = stages;
        this.deployment = deployment;
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
        Gauge.builder("ferry.gate.ready", this, v -> v.gate().ready() ? 1 : 0).description("1 when the cutover gate is READY")
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
            tracker.failure().ifPresent(f -> problems.add("lag tracking stopped: " + f));
            if (deployment != null) {
                deployment.problem().ifPresent(problems::add);
            }
            catalog.failure().ifPresent(problems::add);
            for (Map.Entry<String, StageStatus> e : deploymentStages()) {
                StageStatus s = e.getValue();
                if (!s.healthy() || s.state().equals("SNAPSHOTTING") || s.state().equals("STARTING")) {
                    problems.add(e.getKey() + " is " + s.state() + (s.detail().isEmpty() ? "" : ": " + s.detail()));
                }
            }
            blockers = List.copyOf(problems);
            state.set(gate.evaluate(Instant.now(), System.nanoTime(), lag.tables(), lag.deadLetters(), problems,
                    Optional.ofNullable(lastValidation)));
            evaluatedAt = System.nanoTime();
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
        } catch (RuntimeException | Error e) {
            // the schedule would stop for good on an escaping throwable, and the last state (READY, maybe) stay for ever
            log.error("evaluating the cutover gate failed", e);
            blockers = List.of("evaluating the cutover gate failed: " + e);
            state.set(new GateState(false, blockers));
        }
    }

    /**
     * Every stage but validation's, of this process and of the others the deployment's processes topic lists, by a name
     * for the gate's reasons: {@code capture}, or {@code capture in process 4711@host-b}. Another process's validation is
     * its own gate's business.
     */
    private List<Map.Entry<String, StageStatus>> deploymentStages() {
        // a list: two processes may share a name (pid@host: containers run as pid 1), and one must not hide the other
        List<Map.Entry<String, StageStatus>> out = new ArrayList<>();
        stages.get().stream().filter(s -> !s.stage().equals("validate")).forEach(s -> out.add(Map.entry(s.stage(), s)));
        for (Deployment.Process p : deployment == null ? List.<Deployment.Process>of() : deployment.others()) {
            p.stages().stream().filter(s -> !s.stage().equals("validate"))
                    .forEach(s -> out.add(Map.entry(s.stage() + " in process " + p.process(), s)));
        }
        return out;
    }

    /** Continuous mode: validates once the snapshot is done and lag is known, then every {@code validation.interval}. */
    private void validateWhenDue() {
        if (validating || Instant.now().isBefore(nextDue)) {
            return;
        }
        boolean settled = deploymentStages().stream().map(Map.Entry::getValue)
                .allMatch(s -> (s.healthy() || s.state().equals("DEGRADED")) && !s.state().equals("SNAPSHOTTING")
                        && !s.state().equals("STARTING"));
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
     * One full validation through the mappings that began after this call; differing rows are compared again once the
     * sinks have applied a heartbeat written after the first pass (rows that only changed meanwhile are not reported).
     * Calls made while one runs (the schedule, {@code POST /validate}, {@code ferry cutover}) share the next one
     * ({@link SharedRuns}).
     */
    ValidationReport validate() {
        return runs.get();
    }

    private ValidationReport runValidation() {
        validating = true;
        try {
            log.info("validation: comparing source and targets through the mappings");
            Validator v = new Validator(context.config(), catalog.schemas(), shapes.all());
            // a recheck that cannot wait for the pipeline throws: the validator reports the differing tables as ERROR
            // ("unconfirmed"), not as differences that a lagging sink alone may explain
            ValidationReport report = v.run(() -> {
                try {
                    catchUp(RECHECK_WAIT);
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new IllegalStateException(e.getMessage(), e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the pipeline to catch up", e);
                }
            });
            lastReport = report;
            lastFailure = null;
            lastValidation = new ValidationSummary(report.startedAt(), report.clean(), report.summary());
            // a report that could not tell (an ERROR table: a target shape not known yet, a source unreachable for one
            // table) is tried again as soon as a failed validation is, not an interval later
            nextDue = report.startedAt().plus(report.failed() ? retryInterval() : context.config().validation().interval());
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
        } catch (RuntimeException | Error e) {
            // an older clean result must not keep the gate open while validations fail (the source unreachable, say, or a
            // heap too small for a segment of wide rows: an OutOfMemoryError is not a RuntimeException)
            Instant now = Instant.now();
            lastFailure = e.getMessage() == null ? e.toString() : e.getMessage();
            lastValidation = new ValidationSummary(now, false, "the last validation failed: " + lastFailure);
            nextDue = now.plus(retryInterval());
            throw e;
        } finally {
            validating = false;
        }
    }

    /** When continuous mode tries again after a validation that failed or could not tell: a minute, or the interval if shorter. */
    private Duration retryInterval() {
        Duration interval = context.config().validation().interval();
        return interval.compareTo(Duration.ofMinutes(1)) < 0 ? interval : Duration.ofMinutes(1);
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

    /** Why the last validation failed; empty when the last one ran (or none did). */
    Optional<String> lastFailure() {
        return Optional.ofNullable(lastFailure);
    }

    LagTracker.Snapshot lag() {
        return tracker == null ? LagTracker.Snapshot.NONE : tracker.latest();
    }

    /** The gate's last answer; NOT_READY when it has not been evaluated for {@link #GATE_STALE_AFTER}. */
    GateState gate() {
        GateState g = state.get();
        long sinceMs = (System.nanoTime() - evaluatedAt) / 1_000_000;
        if (g.ready() && sinceMs > GATE_STALE_AFTER.toMillis()) {
            return new GateState(false, List.of(stale(sinceMs)));
        }
        return g;
    }

    /**
     * What holds the gate besides what a CLI can judge with thresholds of its own (lag, dead letters, the validation): the
     * stages of every process of the deployment, lag tracking stopped, the deployment's processes topic not read yet or
     * no longer followed, an evaluation gone stale. {@code ferry cutover check} with threshold flags reads them from
     * {@code /status} (they were the service's alone, so a CLI gate could say READY past them).
     */
    List<String> blockers() {
        long sinceMs = (System.nanoTime() - evaluatedAt) / 1_000_000;
        return sinceMs > GATE_STALE_AFTER.toMillis() ? List.of(stale(sinceMs)) : blockers;
    }

    private static String stale(long sinceMs) {
        return "the cutover gate has not been evaluated for " + sinceMs / 1000 + " s (see the log)";
    }

    /**
     * Waits until everything committed at the source before the call is on every target, through a drain marker. A
     * read-only source cannot take one: there the lag (the age of the oldest partition's last applied change) says it
     * once it is below the time since the call ({@link #caughtUpSince}), which holds under load; on an idle source
     * that lag only grows, so after {@link #READ_ONLY_RECHECK_WAIT} the wait ends anyway, with a warning (the read-only
     * mode's weaker guarantee: a difference found then may still be a change in flight), unless the source's clock or a
     * table's lag is still unknown then.
     *
     * @throws IllegalStateException when the source cannot be reached or lag tracking stopped
     * @throws java.util.concurrent.TimeoutException when the sinks did not get there in time, or (read-only) the lag
     *     stayed unknown
     */
    void catchUp(Duration timeout) throws java.util.concurrent.TimeoutException, InterruptedException {
        if (!context.config().source().readOnly()) {
            drain(timeout);
            return;
        }
        Duration bound = timeout.compareTo(READ_ONLY_RECHECK_WAIT) < 0 ? timeout : READ_ONLY_RECHECK_WAIT;
        long deadline = System.nanoTime() + bound.toNanos();
        long fromUs = -1;
        while (true) {
            if (tracker.failure().isPresent()) {
                throw new IllegalStateException("lag tracking stopped (" + tracker.failure().get() + "): whether the pipeline caught up"
                        + " cannot be seen");
            }
            LagTracker.Snapshot now = tracker.latest();
            if (fromUs < 0) {
                fromUs = now.sourceNowUs(); // the source's clock when first known: changes committed before then must be applied
            }
            List<String> behind = fromUs < 0 ? List.of("(the source's clock cannot be read yet)") : caughtUpSince(now, fromUs);
            if (behind.isEmpty()) {
                log.info("validation: every sink's lag says what the source committed before the recheck began is applied");
                return;
            }
            if (System.nanoTime() > deadline) {
                if (fromUs < 0 || now.sourceNowUs() < 0 || now.tables().isEmpty() || !now.tables().stream().allMatch(TableLag::known)) {
                    // not the idle case: the source's clock or some lag is unknown, so nothing can be said
                    throw new java.util.concurrent.TimeoutException("after " + bound.toSeconds() + " s the lag of these is not"
                            + " known: " + String.join(", ", behind));
                }
                log.warn("validation: source.read_only: after {} s the lag of {} does not say that what the source committed before"
                        + " the recheck began is applied (on an idle source it cannot); comparing again anyway", bound.toSeconds(),
                        String.join(", ", behind));
                return;
            }
            Thread.sleep(200);
        }
    }

    /**
     * The sink/table pairs whose lag does not yet say that every change committed at the source before {@code fromUs}
     * (source clock, µs) is applied; empty when all do. A table with lag L at source time T has applied everything
     * committed before T - L.
     */
    static List<String> caughtUpSince(LagTracker.Snapshot lag, long fromUs) {
        if (lag.tables().isEmpty() || lag.sourceNowUs() < 0) {
            return List.of("(no lag known yet)");
        }
        return lag.tables().stream().filter(t -> !t.known() || lag.sourceNowUs() - t.lagMs() * 1_000 < fromUs)
                .map(t -> t.sink() + "/" + t.table() + (t.known() ? " (lag " + t.lagMs() + " ms)" : " (lag unknown)")).toList();
    }

    /**
     * Writes a heartbeat into the source and waits until every sink's table has applied it: afterwards,
     * everything committed at the source before this call is on every target.
     *
     * @return the heartbeat's id
     * @throws Refused when the source is read-only, or its heartbeat sequence is behind
     * @throws IllegalStateException when the source cannot be reached
     * @throws java.util.concurrent.TimeoutException when the sinks did not get there in time
     */
    long drain(Duration timeout) throws java.util.concurrent.TimeoutException, InterruptedException {
        if (context.config().source().readOnly()) {
            throw new Refused("source.read_only is true: Ferry cannot write the drain marker into the source");
        }
        long id;
        long applied = tracker.latest().tables().stream().mapToLong(TableLag::markerId).max().orElse(-1);
        SourceDialect dialect = SourceDialect.of(context.config().source());
        try (Connection c = dialect.connect()) {
            id = dialect.writeMarker(c, context.pipeline(), Marker.Kind.HEARTBEAT);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write the drain marker into the source: " + e.getMessage(), e);
        }
        if (id <= applied) {
            // the sequence went back (a restored source, source.read_only switched off): markers not above the last one
            // passed are not passed on, and heartbeats written before this one could pass for it
            throw new Refused("the source's heartbeat sequence is behind heartbeats already applied (drain heartbeat " + id
                    + ", applied up to " + applied + "): a drain cannot be told from them; set the sequence above them ("
                    + "UPDATE " + context.config().source().heartbeatSchema() + ".heartbeat SET seq = " + (applied + 1)
                    + " WHERE pipeline = '" + context.pipeline() + "'), or wait until the heartbeats pass " + applied);
        }
        log.info("drain: heartbeat {} written into the source; waiting for every sink to apply it", id);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (tracker.failure().isPresent()) {
                throw new Refused("lag tracking stopped (" + tracker.failure().get() + "): the drain cannot be seen; restart this process");
            }
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
        if (tracker.failure().isPresent()) {
            // lag is no longer computed: the gate closes as the last lag ages, every drain would wait out its timeout
            return new StageStatus("validate", "FAILED", "lag tracking stopped: " + tracker.failure().get() + " (see the log; restart"
                    + " the service)");
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
