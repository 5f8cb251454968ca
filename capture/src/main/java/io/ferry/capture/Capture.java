package io.ferry.capture;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.ferry.capture.convert.RecordConverter;
import io.ferry.capture.publish.ChangePublisher;
import io.ferry.capture.publish.SchemaVersions;
import io.ferry.capture.publish.Stamper;
import io.ferry.capture.source.Preflight;
import io.ferry.capture.source.SourceDialect;
import io.ferry.capture.source.SourceTable;
import io.ferry.core.event.Marker;
import io.ferry.core.event.TableId;
import io.ferry.core.topic.TopicAdmin;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One source's capture: preflight, Ferry's footprint in the source, an embedded Debezium engine whose
 * batches go to Kafka in transactions, heartbeats every interval, and a restart with backoff whenever
 * the engine fails (the source or Kafka went away) — unless another capture of the same source fenced
 * this one. Thread-safe.
 */
public final class Capture implements AutoCloseable {

    /** Where the capture is. */
    public enum State { RUNNING, RESTARTING, FENCED, STOPPED }

    private static final Logger log = LoggerFactory.getLogger(Capture.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** How often a PostgreSQL source is asked for tables that now match {@code source.tables}. */
    private static final Duration NEW_TABLE_CHECK = Duration.ofSeconds(10);
    /** How long a stop waits for Debezium's tasks to finish starting before it gives up closing the engine. */
    private static final Duration ENGINE_START_WAIT = Duration.ofSeconds(45);
    /** How long a launch reads the offsets topic to its end, when a newly captured table may need a snapshot. */
    private static final Duration OFFSETS_READ_WAIT = Duration.ofSeconds(30);
    /**
     * The whole stop's bound, engine, producer and admin client together: under the 90 s the service waits for it
     * before a successor may start capture (each step had its own, 45 + 60 + 30 + 10 s).
     */
    public static final Duration STOP_WITHIN = Duration.ofSeconds(80);
    /** Of {@link #STOP_WITHIN}, what the engine's thread leaves for closing the producer and the admin client. */
    private static final Duration CLIENTS_CLOSE = Duration.ofSeconds(15);
    /** What Debezium's engine says when it refuses to close while its tasks start (the only refusal worth waiting out). */
    private static final String TASKS_STARTING = "tasks are starting";

    private final CaptureSettings settings;
    private final SourceDialect dialect;
    private final MeterRegistry registry;
    /** The source's tables as last checked: replaced when a table starts to match {@code source.tables} (PostgreSQL). */
    private volatile Preflight preflight;
    /** Whether the engine was launched before (a later launch reads a binlog source's table facts again; guarded by lifecycle). */
    private boolean launchedOnce;
    /** Why the engine is being restarted on purpose (a new table to take in), or null. */
    private volatile String plannedRestart;
    /** The tables last found matching but refused by their preflight (warned once until the set changes). */
    private volatile java.util.Set<TableId> refusedNewTables = java.util.Set.of();
    /** Which tables that match {@code source.tables} the last look left out of capture, and why; empty when none. */
    private volatile String leftOut = "";
    /** PostgreSQL: the tables another role owns outside the publication, left out ({@link #keepForeignTablesOut}), as said. */
    private volatile String foreignLeftOut = "";
    /** Every table named as another role's outside the publication since the launch: taken in later, it is snapshotted. */
    private final java.util.Set<TableId> foreignNamed = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /**
     * Captured tables dropped and created again while the engine ran (PostgreSQL): the engine was restarted for them, and
     * the next launch asks for their snapshot although their change topics hold their past.
     */
    private final java.util.Set<TableId> snapshotAtLaunch = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The partitioned tables to read again once the publication is changed; null when it needs no change. */
    private volatile List<TableId> publicationToPrepare;
    /** Each captured table's identity as the last launch found it ({@link SourceDialect#identities}; PostgreSQL). */
    private final Map<TableId, Long> identities = new java.util.concurrent.ConcurrentHashMap<>();
    /** MySQL/MariaDB: this process's {@code source.tables} are recorded as the ones capture streams with. */
    private boolean patternsRecorded;
    /** Tables the last launch asked a snapshot for because the log left them out: asked once until they are back in it. */
    private final java.util.Set<TableId> askedOutsideLog = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The created-again tables last found that Ferry's user may not put back into the publication (warned once per set). */
    private volatile java.util.Set<TableId> warnedNotOwned = java.util.Set.of();
    private final Admin admin;
    private final Properties clientBase;
    private final SnapshotProgress progress;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService engineThread;
    private final HeartbeatWriter heartbeats;
    private final Object lifecycle = new Object();

    private volatile State state = State.RUNNING;
    private volatile Throwable lastFailure;
    private volatile boolean closing;
    private volatile DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
    /** The launch's reader of values the log left out, closed when its engine stops. */
    private LeftOutValues readBack;
    private volatile boolean warnedLastEvent;
    private volatile LastEventSummary.Outcome lastEventSummary = new LastEventSummary.Outcome(LastEventSummary.Outcome.Status.NOT_YET, "");
    private ChangePublisher publisher;
    private Stamper stamper;
    private Duration backoff = Duration.ofSeconds(1);
    private long launchedAtNanos;

    private Capture(CaptureSettings settings, SourceDialect dialect, MeterRegistry registry, Preflight preflight) {
        this.settings = settings;
        this.dialect = dialect; // the one that ran the preflight: it knows what the source has (PostgreSQL's partitions)
        this.registry = registry;
        this.preflight = preflight;
        this.clientBase = ChangePublisher.clientBase(settings.bootstrapServers(), settings.kafka().properties());
        this.admin = Admin.create(clientBase);
        this.progress = new SnapshotProgress(settings.pipeline(), registry);
        preflight.tables().forEach(t -> progress.estimate(t.id(), t.estimatedRows()));
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "ferry-capture-" + settings.pipeline()));
        this.engineThread = Executors.newSingleThreadExecutor(r -> daemon(r, "ferry-capture-engine-" + settings.pipeline()));
        this.heartbeats = settings.source().readOnly() ? null : new HeartbeatWriter(dialect, settings.pipeline());
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Checks the source, prepares Ferry's footprint and topics, and starts capturing.
     *
     * @throws CaptureException listing every preflight problem, or naming the unreachable server
     * @param registry where snapshot progress and event counts go; may be null
     */
    public static Capture start(CaptureSettings settings, MeterRegistry registry) {
        utcDefaultZone();
        SourceDialect dialect = SourceDialect.of(settings.source());
        Preflight preflight;
        Optional<List<TableId>> publication = Optional.empty();
        try (Connection c = dialect.connect()) {
            preflight = dialect.preflight(c);
            List<String> problems = new ArrayList<>(preflight.problems());
            problems.addAll(dialect.wholeRowProblems(c, settings.wholeRows()));
            problems.addAll(tableProblems(settings, preflight));
            if (!problems.isEmpty()) {
                throw new CaptureException(problems, null);
            }
            preflight.notes().forEach(n -> log.info("preflight: {}", n));
            preflight.warnings().forEach(w -> log.warn("preflight: {}", w));
            if (!settings.source().readOnly()) {
                dialect.createFootprint(c);
                publication = dialect.publicationToPrepare(c, preflight.tables().stream().map(t -> t.id()).toList());
            }
        } catch (SQLException e) {
            throw new CaptureException("cannot reach the source " + dialect.jdbcUrl() + " as " + settings.source().user()
                    + ": " + e.getMessage() + " (check source.host, source.port, source.database, source.user, source.password)", e);
        }
        log.info("capture of {} ({}): {} tables: {}", settings.pipeline(), settings.source().type(), preflight.tables().size(),
                preflight.tables().stream().map(t -> t.id().toString()).collect(Collectors.joining(", ")));
        Capture capture = new Capture(settings, dialect, registry, preflight);
        publication.ifPresent(readAgain -> {
            capture.snapshotAtLaunch.addAll(readAgain);
            capture.publicationToPrepare = readAgain;
        });
        try {
            TopicAdmin.ensure(capture.admin, settings.layout().pipelineTopics());
            capture.launch();
        } catch (RuntimeException e) {
            capture.close();
            throw e;
        }
        if (capture.heartbeats != null) {
            long every = settings.source().heartbeatInterval().toMillis();
            capture.scheduler.scheduleWithFixedDelay(capture.heartbeats::beat, every, every, TimeUnit.MILLISECONDS);
        }
        capture.scheduler.scheduleWithFixedDelay(capture::logProgress, 10, 10, TimeUnit.SECONDS);
        if (!capture.dialect.seesNewTablesWhileRunning()) {
            long every = NEW_TABLE_CHECK.toMillis();
            capture.scheduler.scheduleWithFixedDelay(capture::lookForNewTables, every, every, TimeUnit.MILLISECONDS);
        }
        capture.scheduler.scheduleWithFixedDelay(capture::quietLastEvent, 10, 10, TimeUnit.SECONDS);
        return capture;
    }

    /**
     * Makes UTC the JVM's default time zone. Debezium's snapshot (and the JDBC drivers under it) reads a naive
     * {@code timestamp} / {@code DATETIME} through the default zone, and a value in that zone's summer-time gap
     * ({@code 2024-03-31 02:30} in Berlin) came out an hour later; streaming gave it right, so a re-snapshot could not
     * repair it. UTC has no gap. Ferry's {@code main} sets it at launch; this covers capture started otherwise.
     */
    public static void utcDefaultZone() {
        if (!java.time.ZoneId.systemDefault().normalized().equals(java.time.ZoneOffset.UTC)) {
            log.debug("capture: the JVM's default time zone {} is set to UTC (naive timestamps are read through it)",
                    java.time.ZoneId.systemDefault());
            java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone("UTC"));
        }
    }

    /** Builds a publisher and an engine and runs the engine; called at start and after each failure. */
    private void launch() {
        synchronized (lifecycle) {
            if (closing) {
                return;
            }
            long t0 = System.nanoTime();
            if (registry != null) {
                // a growing count while nothing was asked of capture is a restart loop (or leadership moving) to look into
                registry.counter("ferry.capture.launches", "pipeline", settings.pipeline()).increment();
            }
            publisher = new ChangePublisher(settings.pipeline(), settings.layout(), clientBase, admin);
            // fence an older capture first: it can no longer publish a schema version behind our back
            publisher.init();
            long fenced = System.nanoTime();
            SchemaVersions versions = SchemaVersions.load(clientBase, settings.layout().names().schemas());
            long schemas = System.nanoTime();
            // every change topic already there, also of tables no longer captured, so markers reach each of them
            Map<String, Boolean> adopted = publisher.adoptChangeTopics();
            java.util.Set<String> existing = new java.util.HashSet<>(adopted.keySet());
            java.util.Set<String> held = adopted.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey)
                    .collect(Collectors.toSet());
            // MySQL/MariaDB: the patterns are this process's from its first launch on, recorded then
            boolean binlog = dialect.seesNewTablesWhileRunning();
            Optional<List<String>> lastPatterns = binlog && !patternsRecorded ? lastPatterns() : Optional.empty();
            keepForeignTablesOut();
            snapshotNewTables(held, binlog ? tablesPutBack(held, lastPatterns) : tablesOutsideLog());
            preparePublication();
            if (binlog && !patternsRecorded) {
                if (!lastPatterns.equals(Optional.of(settings.source().tables()))) {
                    recordPatterns();
                }
                patternsRecorded = true;
            }
            for (SourceTable t : preflight.tables()) {
                existing.remove(settings.layout().names().change(t.id()));
                publisher.ensureChangeTopic(t.id());
            }
            if (!existing.isEmpty()) {
                log.info("capture of {}: markers also go to {} change topics of tables no longer captured: {}", settings.pipeline(),
                        existing.size(), String.join(", ", new java.util.TreeSet<>(existing)));
            }
            long topics = System.nanoTime();
            if (stamper == null) {
                // after the fencing above: whatever an older capture committed is in the tails
                stamper = Stamper.recover(clientBase, publisher.changeTopics().keySet());
            }
            long stamps = System.nanoTime();
            Map<TableId, SourceTable> tables = preflight.tables().stream()
                    .collect(Collectors.toMap(SourceTable::id, Function.identity()));
            // a binlog brings in tables and DDL while Debezium runs; PostgreSQL's are taken in at an engine start (a restart)
            RecordConverter converter = dialect.seesNewTablesWhileRunning()
                    ? new RecordConverter(settings.pipeline(), dialect.heartbeatTable(), dialect.signalTable(),
                            new LiveTableFacts(dialect, settings.pipeline(), preflight.tables(), !launchedOnce))
                    : new RecordConverter(settings.pipeline(), dialect.heartbeatTable(), dialect.signalTable(),
                            t -> Optional.ofNullable(tables.get(t)).map(SourceTable::foreignKeys).orElse(List.of()),
                            t -> Optional.ofNullable(tables.get(t)).map(SourceTable::jsonColumns).orElse(java.util.Set.of()));
            launchedOnce = true;
            publishSchemasNotSeen(converter, versions);
            java.util.Set<TableId> snapshotTables = preflight.tables().stream().map(SourceTable::id)
                    .filter(t -> !settings.copied().contains(t)).collect(Collectors.toSet());
            List<String> patterns = settings.source().tables();
            readBack = new LeftOutValues(dialect, settings.pipeline());
            BatchHandler handler = new BatchHandler(settings.pipeline(), converter, versions, publisher, progress, registry, stamper,
                    snapshotTables, settings.copied(), t -> !SourceDialect.select(patterns, List.of(t)).tables().isEmpty(), readBack);
            engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                    .using(DebeziumProperties.of(settings, dialect))
                    .notifying(handler)
                    .using(this::engineStopped)
                    .using(new DebeziumEngine.ConnectorCallback() {
                        @Override
                        public void taskStarted() {
                            quietLastEvent();
                        }
                    })
                    .build();
            launchedAtNanos = System.nanoTime();
            // each step waits on Kafka or loads classes: a restart's time to its first change starts here
            log.info("capture of {} launched in {} ms (fencing {}, schema versions {}, change topics {}, last stamp {}, engine {})",
                    settings.pipeline(), ms(launchedAtNanos - t0), ms(fenced - t0), ms(schemas - fenced), ms(topics - schemas),
                    ms(stamps - topics), ms(launchedAtNanos - stamps));
            state = State.RUNNING;
            engineThread.submit(engine);
        }
    }

    /**
     * Tables whose change topics Kafka takes for one ('.' and '_' alike): it would refuse the second topic. And tables
     * keyed by a single column named as a marker's reserved key field: their rows' keys would read as markers.
     */
    private static List<String> tableProblems(CaptureSettings settings, Preflight preflight) {
        List<String> out = new ArrayList<>();
        for (SourceTable t : preflight.tables()) {
            if (t.primaryKey().equals(List.of(io.ferry.core.event.KeyCodec.MARKER_FIELD))) {
                out.add("source.tables: " + t.id() + " has a primary key of one column named '" + io.ferry.core.event.KeyCodec.MARKER_FIELD
                        + "', which Ferry reserves for the markers in its topics: rename the column, or leave the table out of source.tables");
            }
        }
        for (List<TableId> same : settings.layout().names().collidingChangeTopics(preflight.tables().stream().map(SourceTable::id).toList())) {
            out.add("source.tables: " + same.stream().map(TableId::toString).collect(Collectors.joining(" and "))
                    + " would have change topics Kafka takes for one (it treats '.' and '_' in topic names alike: "
                    + same.stream().map(t -> settings.layout().names().change(t)).collect(Collectors.joining(", "))
                    + "): leave all but one out of source.tables, or capture them under another pipeline");
        }
        return out;
    }

    /**
     * Takes in the tables that started to match {@code source.tables} while the engine ran, where Debezium does not
     * ({@link SourceDialect#seesNewTablesWhileRunning}): once their preflight passes, the engine is restarted, which sets
     * PostgreSQL's publication to the tables, and the launch asks for their snapshot ({@link #snapshotNewTables}). A new
     * table whose preflight fails (no primary key, no SELECT grant) is left out with a WARN naming the fix, once per set.
     * So is a captured table dropped and created again under its name (its identity changed since the launch): it is no
     * longer in the publication, and nothing of it would be decoded, without a word. Unless Ferry's user may not put it
     * back (another role owns it: Debezium's start would fail on it), which a WARN says once, naming the fix.
     */
    private void lookForNewTables() {
        if (closing || state != State.RUNNING || plannedRestart != null) {
            return;
        }
        Preflight current = preflight;
        java.util.Set<TableId> foreignBefore = java.util.Set.copyOf(dialect.foreignTables());
        java.util.Set<TableId> known = current.tables().stream().map(SourceTable::id).collect(Collectors.toSet());
        Map<TableId, Long> launched = Map.copyOf(identities);
        try (Connection c = dialect.connect()) {
            List<TableId> matchedNew = SourceDialect.select(settings.source().tables(), dialect.allTables(c)).tables().stream()
                    .filter(t -> !known.contains(t)).toList();
            // another role's tables outside the publication: Debezium cannot add them, so no restart for them
            List<TableId> foreignNew = dialect.findForeign(c, matchedNew);
            noteForeign(foreignNew);
            List<TableId> added = matchedNew.stream().filter(t -> !foreignNew.contains(t)).toList();
            List<TableId> recreated = dialect.identities(c, launched.keySet()).entrySet().stream()
                    .filter(e -> !e.getValue().equals(launched.get(e.getKey()))).map(Map.Entry::getKey)
                    .sorted(java.util.Comparator.comparing(TableId::toString)).toList();
            List<TableId> foreign = recreated.isEmpty() ? List.of() : dialect.notOwned(c, recreated);
            if (!foreign.isEmpty()) {
                // Debezium's start sets the publication to every captured table and fails on one it may not add: no restart
                // (for new tables either) until someone puts them back; the launch after that asks for their snapshot
                snapshotAtLaunch.addAll(foreign);
                if (!warnedNotOwned.equals(java.util.Set.copyOf(foreign))) {
                    warnedNotOwned = java.util.Set.copyOf(foreign);
                    String publication = settings.source().publication();
                    log.warn("capture of {}: {} were dropped and created again and belong to a role that {} is not a member of: they"
                            + " are no longer in publication {}, none of their changes is captured, and Debezium cannot put them"
                            + " back, so it could not start again: Ferry does not restart it (new tables wait too); as a role that"
                            + " owns the publication and the tables (a superuser), run ALTER PUBLICATION {} ADD TABLE {}, or make {}"
                            + " a member of their owner role (their changes until then are not captured; validation reports what"
                            + " they left different)", settings.pipeline(), foreign, settings.source().user(), publication, publication,
                            foreign.stream().map(Capture::pgName).collect(Collectors.joining(", ")), settings.source().user());
                }
                // these tables were captured, so validation knows them and reports what they left different; new tables
                // that wait behind them are named (they were not captured without a word)
                leftOut = added.isEmpty() ? "" : sorted(added) + " match source.tables but are not captured yet: capture waits"
                        + " for " + sorted(foreign) + " to be put back in publication " + publication() + " (see the WARN)";
                return;
            }
            warnedNotOwned = java.util.Set.of();
            if (added.isEmpty() && recreated.isEmpty()) {
                refusedNewTables = java.util.Set.of();
                leftOut = "";
                return;
            }
            // another role's tables outside the publication are neither checked nor taken (the dialect's preflight)
            Preflight next = dialect.preflight(c);
            List<String> problems = new ArrayList<>(next.problems());
            problems.addAll(tableProblems(settings, next));
            if (!problems.isEmpty()) {
                java.util.Set<TableId> refused = new java.util.HashSet<>(added);
                refused.addAll(recreated);
                if (!refusedNewTables.equals(refused)) {
                    refusedNewTables = java.util.Set.copyOf(refused);
                    log.warn("capture of {}: {} (new, or created again) match source.tables but are not taken in: {}",
                            settings.pipeline(), refused, String.join("; ", problems));
                }
                leftOut = sorted(refused) + " match source.tables but are not captured: " + String.join("; ", problems);
                return;
            }
            DebeziumEngine<RecordChangeEvent<SourceRecord>> running;
            String why = (added.isEmpty() ? "" : added + " now match source.tables")
                    + (added.isEmpty() || recreated.isEmpty() ? "" : "; ")
                    + (recreated.isEmpty() ? "" : recreated + " were dropped and created again");
            synchronized (lifecycle) {
                if (closing || state != State.RUNNING) {
                    return;
                }
                preflight = next;
                next.tables().stream().filter(t -> !known.contains(t.id())).forEach(t -> progress.estimate(t.id(), t.estimatedRows()));
                snapshotAtLaunch.addAll(recreated);
                // left out while another role's and outside the publication, now in it: its change topic may hold markers
                // (a mapping names it), so the launch would not take it for new, and its rows would never be read
                added.stream().filter(t -> foreignBefore.contains(t) || foreignNamed.contains(t)).forEach(snapshotAtLaunch::add);
                foreignNamed.removeAll(added);
                plannedRestart = why;
                running = engine;
            }
            log.info("capture of {}: {}; Debezium restarts to take them in", settings.pipeline(), why);
            if (!closeEngine(running, System.nanoTime() + ENGINE_START_WAIT.toNanos())) {
                plannedRestart = null; // the engine goes on with the tables it had: the next check tries again
                preflight = current;
                snapshotAtLaunch.removeAll(recreated);
                if (!added.isEmpty()) {
                    leftOut = sorted(added) + " match source.tables but are not captured yet: Debezium could not be restarted to"
                            + " take them in (tried again in " + NEW_TABLE_CHECK.toSeconds() + " s)";
                }
            } else {
                refusedNewTables = java.util.Set.of();
                leftOut = "";
            }
        } catch (SQLException | RuntimeException e) {
            log.warn("capture of {}: cannot look for new tables that match source.tables: {}", settings.pipeline(), e.toString());
        }
    }

    /**
     * Publishes the schema of each captured table that has none yet and no rows, as Debezium's own code builds it from the
     * catalog (PostgreSQL, MariaDB): a table's first row brings its schema, and a table without rows (a related table
     * still empty) held every target it takes part in, as the sinks wait for the shape. The same schema from a first row
     * later is the same version. Best effort, table by table: a table left without is as before, its first row brings
     * it. A failed publish fails the launch (the publisher is not usable after it), as {@link #recordPatterns} does.
     */
    private void publishSchemasNotSeen(RecordConverter converter, SchemaVersions versions) {
        List<TableId> unseen = preflight.tables().stream().map(SourceTable::id).filter(t -> versions.latest(t).isEmpty()).toList();
        if (unseen.isEmpty()) {
            return;
        }
        Map<TableId, SourceDialect.ConnectSchemas> built;
        try {
            built = dialect.connectSchemas(DebeziumProperties.of(settings, dialect), unseen);
        } catch (SQLException | RuntimeException e) {
            log.warn("capture of {}: cannot build the schemas of those of {} without rows from the catalog (their first rows bring "
                    + "them): {}", settings.pipeline(), sorted(unseen), e.toString());
            return;
        }
        ChangePublisher.Batch batch = publisher.newBatch();
        List<io.ferry.core.schema.TableSchema> assigned = new ArrayList<>();
        built.forEach((table, schemas) -> {
            io.ferry.core.schema.TableSchema schema;
            try {
                schema = converter.schemaOf(table, schemas.row(), schemas.key());
            } catch (RuntimeException e) {
                // a column type Ferry does not take (geometry): the table's rows are dead-lettered with the reason, as before
                log.warn("capture of {}: no schema for {}, which has no rows, from the catalog: {}", settings.pipeline(), table,
                        e.getMessage());
                return;
            }
            versions.assign(schema).toPublish().ifPresent(s -> {
                publisher.addSchema(batch, s);
                assigned.add(s);
            });
        });
        if (assigned.isEmpty()) {
            return;
        }
        try {
            publisher.publish(batch);
            log.info("capture of {}: published the schemas of {}, which have no rows, from the catalog", settings.pipeline(),
                    sorted(assigned.stream().map(io.ferry.core.schema.TableSchema::table).toList()));
        } catch (ChangePublisher.FencedException e) {
            assigned.forEach(versions::forget);
            throw e;
        } catch (org.apache.kafka.common.KafkaException e) {
            assigned.forEach(versions::forget);
            throw new CaptureException("cannot publish the schemas of " + sorted(built.keySet()) + " to "
                    + settings.layout().names().schemas() + ": " + e.getMessage(), e);
        }
    }

    /** The {@code source.tables} patterns the last launch streamed with (MySQL/MariaDB), empty when none was recorded. */
    private Optional<List<String>> lastPatterns() {
        try {
            return StoredOffsets.lastTables(settings.pipeline(), clientBase, "ferry-capture-" + settings.pipeline() + "-tables",
                    OFFSETS_READ_WAIT);
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new CaptureException("cannot read the source.tables capture last streamed with from "
                    + settings.layout().names().captureOffsets() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Records the patterns this launch streams with, after any snapshot they call for was asked: a launch that fails
     * before this asks again (a MySQL/MariaDB binlog keeps no trace of which tables Debezium's filter let through). In the
     * publisher's fenced transaction: a capture another process took over cannot overwrite the new leader's record.
     */
    private void recordPatterns() {
        byte[][] record = StoredOffsets.tablesRecord(settings.pipeline(), settings.source().tables());
        ChangePublisher.Batch batch = publisher.newBatch();
        publisher.addCaptureOffsetsRecord(batch, record[0], record[1]);
        try {
            publisher.publish(batch);
        } catch (ChangePublisher.FencedException e) {
            throw e;
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new CaptureException("cannot record source.tables in " + settings.layout().names().captureOffsets() + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * MySQL/MariaDB, at a launch: the captured tables whose change topic holds their past but which the last launch's
     * {@code source.tables} did not select (taken out and put back). Debezium's filter passed their changes by while
     * they were out, and the binlog position moved on: only a snapshot brings those changes. None when the last
     * launch's patterns are unknown (the first launch, or the first by a version before session 27).
     */
    private java.util.Set<TableId> tablesPutBack(java.util.Set<String> held, Optional<List<String>> lastPatterns) {
        if (lastPatterns.isEmpty()) {
            return java.util.Set.of();
        }
        java.util.Set<TableId> back = preflight.tables().stream().map(SourceTable::id)
                .filter(t -> held.contains(settings.layout().names().change(t)))
                .filter(t -> SourceDialect.select(lastPatterns.get(), List.of(t)).tables().isEmpty())
                .collect(Collectors.toSet());
        if (!back.isEmpty()) {
            log.info("capture of {}: {} were not captured by the last launch (source.tables then: {}): their changes since then are"
                    + " in no change topic", settings.pipeline(), sorted(back),
                    lastPatterns.get());
        }
        return back;
    }

    /** Tables by name, in name order, for messages. */
    private static java.util.SortedSet<String> sorted(java.util.Collection<TableId> tables) {
        return new java.util.TreeSet<>(tables.stream().map(TableId::toString).toList());
    }

    /** A PostgreSQL table's name for SQL, each part quoted. */
    private static String pgName(TableId t) {
        return "\"" + t.namespace().replace("\"", "\"\"") + "\".\"" + t.name().replace("\"", "\"\"") + "\"";
    }

    /**
     * PostgreSQL, at a launch, before Debezium starts: records each captured table's identity (the look for new tables
     * compares), and returns the captured tables the publication leaves out as the last engine left it. Those were dropped
     * and created again since then, or were not captured then (taken out of {@code source.tables} and put back): their
     * change topics hold their past, but their changes since are in no log Debezium read. Each is returned once until a
     * launch finds it back in the publication (a start that cannot put it back would ask at every relaunch). Also a table
     * whose identity changed since the last launch in this process, which no look acted on.
     */
    private java.util.Set<TableId> tablesOutsideLog() {
        if (dialect.seesNewTablesWhileRunning()) {
            return java.util.Set.of();
        }
        try (Connection c = dialect.connect()) {
            Map<TableId, Long> now = dialect.identities(c, preflight.tables().stream().map(SourceTable::id).toList());
            java.util.Set<TableId> outside = java.util.Set.copyOf(dialect.leftOutOfLog(c, now.keySet()));
            askedOutsideLog.retainAll(outside);
            java.util.Set<TableId> ask = new java.util.HashSet<>(outside);
            ask.removeAll(askedOutsideLog);
            // created again since the last launch, which no look acted on (Debezium's own task restart put it back by name)
            now.forEach((t, id) -> {
                if (identities.containsKey(t) && !identities.get(t).equals(id)) {
                    ask.add(t);
                }
            });
            askedOutsideLog.addAll(ask);
            identities.clear();
            identities.putAll(now);
            return ask;
        } catch (SQLException e) {
            throw new CaptureException("cannot read the captured tables and publication " + settings.source().publication()
                    + " from the source: " + e.getMessage(), e);
        }
    }

    /**
     * Changes the publication where the start found it must ({@link SourceDialect#publicationToPrepare}), once the tables
     * whose changes it dropped were asked to be read again: a launch that fails before asks again, none is lost.
     */
    private void preparePublication() {
        List<TableId> readAgain = publicationToPrepare;
        if (readAgain == null) {
            return;
        }
        try (Connection c = dialect.connect()) {
            dialect.preparePublication(c, readAgain);
        } catch (SQLException e) {
            throw new CaptureException(List.of(e.getMessage()), e);
        }
        publicationToPrepare = null;
    }

    /**
     * Asks Debezium for an incremental snapshot of the captured tables whose change topic holds nothing yet when others
     * hold something: tables captured since the pipeline's initial snapshot (a shard that a pattern in
     * {@code source.tables} starts to match, a table added to it). Debezium streams only their changes from now on, and a
     * PostgreSQL table is in the publication only from the engine's start: without the snapshot their earlier rows never
     * reach the targets. A topic holding nothing, not a missing one, since the transform stage makes the change topics of
     * the tables it reads by name before capture runs; every launch writes markers into every change topic. Called before
     * this launch writes anything, so a launch that fails here asks again. Tables the sinks copy themselves are asked for
     * too: their snapshot rows carry the schema the copy waits for. Not with {@code source.snapshot: no_data}, and not
     * while Debezium's stored offsets say its initial snapshot is unfinished (it reads that snapshot again, these tables
     * in it; an interrupted first snapshot leaves the topics of the tables it had not reached empty). Also the tables
     * whose topics hold their past but whose changes since are in no log Debezium read: dropped and created again while
     * the engine ran ({@link #lookForNewTables}), or outside the publication at this launch ({@link #tablesOutsideLog}).
     *
     * @param captured the pipeline's change topics that held something before this launch
     */
    private void snapshotNewTables(java.util.Set<String> captured, java.util.Set<TableId> outsideLog) {
        java.util.Set<TableId> recreated = java.util.Set.copyOf(snapshotAtLaunch);
        java.util.Set<TableId> again = new java.util.HashSet<>(recreated);
        again.addAll(outsideLog);
        try {
            askSnapshots(captured, again);
        } catch (RuntimeException e) {
            askedOutsideLog.removeAll(outsideLog); // not asked: the next launch asks
            throw e;
        }
        snapshotAtLaunch.removeAll(recreated); // asked for, or not to be (a launch that failed asking asks again)
    }

    private void askSnapshots(java.util.Set<String> captured, java.util.Set<TableId> again) {
        if (captured.isEmpty()) {
            return; // the pipeline's first start: Debezium's initial snapshot reads every table
        }
        String mode = settings.source().snapshot();
        if (mode.equals("no_data") || mode.equals("never")) {
            if (!again.isEmpty()) {
                log.warn("capture of {}: {} need to be read again (their changes since some point reached no log Ferry read),"
                        + " but source.snapshot is {}: they are not; ferry resnapshot {} reads them", settings.pipeline(),
                        again, mode, again.stream().map(TableId::toString).sorted().collect(Collectors.joining(" ")));
            }
            return;
        }
        List<TableId> fresh = preflight.tables().stream().map(SourceTable::id)
                .filter(t -> !captured.contains(settings.layout().names().change(t)) || again.contains(t)).toList();
        if (fresh.isEmpty()) {
            return;
        }
        Optional<Map<String, ?>> stored;
        try {
            stored = StoredOffsets.latest(settings.pipeline(), clientBase, "ferry-capture-" + settings.pipeline() + "-offsets",
                    OFFSETS_READ_WAIT);
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new CaptureException("cannot read capture's stored offsets from " + settings.layout().names().captureOffsets()
                    + " to tell whether " + fresh + " need a snapshot: " + e.getMessage(), e);
        }
        if (StoredOffsets.initialSnapshotAhead(settings.pipeline(), settings.source(), stored)) {
            // an initial snapshot stopped before it reached these tables: Debezium reads it again, these tables with it
            log.info("capture of {}: {} hold nothing yet; Debezium's initial snapshot, which it reads again from the start, reads"
                    + " them", settings.pipeline(), fresh);
            return;
        }
        if (settings.source().readOnly()) {
            log.warn("capture of {}: {} newly captured; their rows from before are not copied (source.read_only: no signal"
                    + " table to ask Debezium for a snapshot): only their changes from now on reach the targets", settings.pipeline(), fresh);
            return;
        }
        try (Connection c = dialect.connect()) {
            restartProgress(fresh);
            dialect.requestSnapshot(c, fresh);
        } catch (SQLException e) {
            throw new CaptureException("cannot ask for a snapshot of the newly captured " + fresh + ": " + e.getMessage(), e);
        }
        log.info("capture of {}: {} newly captured{}; an incremental snapshot of their rows is requested", settings.pipeline(), fresh,
                again.isEmpty() ? "" : " or taken in again");
    }

    /**
     * Debezium's per-change LastEvent summary replaced by the table's id ({@link LastEventSummary}): when the engine's task
     * started, and again every 10 s (Debezium remakes its metrics when it restarts its task itself). Never throws into the
     * engine: the summary is a metric, the changes flow either way.
     */
    private void quietLastEvent() {
        DebeziumEngine<?> e = engine;
        if (e == null) {
            return;
        }
        LastEventSummary.Outcome outcome;
        try {
            outcome = LastEventSummary.install(e);
        } catch (RuntimeException | LinkageError t) {
            outcome = new LastEventSummary.Outcome(LastEventSummary.Outcome.Status.CANNOT, t.toString());
        }
        lastEventSummary = outcome;
        if (outcome.status() == LastEventSummary.Outcome.Status.CANNOT && !warnedLastEvent) {
            warnedLastEvent = true;
            log.warn("capture of {}: Debezium's metrics still render a JSON summary of every change for their LastEvent attribute"
                    + " (dbz#2492, a Jackson mapper made per change; about a tenth of capture's CPU); Ferry could not replace it with"
                    + " the table's id in this Debezium version: {}", settings.pipeline(), outcome.detail());
        }
    }

    /**
     * Tables that match {@code source.tables} but that capture leaves out, and why (PostgreSQL: a table created while
     * capture runs whose preflight fails, or that a restart could not take in yet); empty when none. Their rows are in no
     * change topic, and validation, which knows only captured tables, cannot see that they are missing. (A captured
     * table created again that another role owns is WARNed about instead: validation knows it.)
     */
    public Optional<String> leftOut() {
        String why = leftOut;
        String foreign = foreignLeftOut;
        String both = why.isEmpty() ? foreign : foreign.isEmpty() ? why : why + "; " + foreign;
        return both.isEmpty() ? Optional.empty() : Optional.of(both);
    }

    /**
     * PostgreSQL, before Debezium starts: finds the tables that match {@code source.tables}, are not in the publication,
     * and that Ferry's user may not add to it ({@link SourceDialect#foreignOutsidePublication}); WARNs once per set. Before session 34 a table the
     * application created under another role stopped all capture at the next start of Debezium, retried for ever.
     */
    private void keepForeignTablesOut() {
        if (dialect.seesNewTablesWhileRunning()) {
            return;
        }
        java.util.Set<TableId> foreign;
        try (Connection c = dialect.connect()) {
            List<TableId> matched = SourceDialect.select(settings.source().tables(), dialect.allTables(c)).tables();
            // kept by the dialect for Debezium's include list (DebeziumProperties: notTables)
            foreign = java.util.Set.copyOf(dialect.foreignOutsidePublication(c, matched));
        } catch (SQLException e) {
            throw new CaptureException("cannot read the captured tables and publication " + settings.source().publication()
                    + " from the source: " + e.getMessage(), e);
        }
        if (!foreign.isEmpty()) {
            // not captured: no snapshot asked, no change topic made, not taken for captured by the look for new tables
            Preflight p = preflight;
            preflight = new Preflight(p.tables().stream().filter(t -> !foreign.contains(t.id())).toList(), p.problems(), p.notes(),
                    p.warnings());
        }
        noteForeign(List.copyOf(foreign));
    }

    private String publication() {
        return settings.source().publication();
    }

    /** Names the tables another role owns outside the publication in {@link #leftOut()}, and WARNs once per set. */
    private void noteForeign(List<TableId> tables) {
        foreignNamed.addAll(tables);
        List<TableId> notCaptured = tables.stream().sorted(java.util.Comparator.comparing(TableId::toString)).toList();
        if (!notCaptured.isEmpty() && !foreignLeftOut.startsWith(notCaptured + " ")) {
            String publication = settings.source().publication();
            log.warn("capture of {}: {} match source.tables but belong to a role that {} is not a member of and are not in"
                    + " publication {}: Debezium cannot add them, so they are left out; as a role that owns the publication and"
                    + " the tables (a superuser), run ALTER PUBLICATION {} ADD TABLE {}, or make {} a member of their owner role",
                    settings.pipeline(), notCaptured, settings.source().user(), publication, publication,
                    notCaptured.stream().map(Capture::pgName).collect(Collectors.joining(", ")), settings.source().user());
        }
        foreignLeftOut = notCaptured.isEmpty() ? "" : notCaptured + " match source.tables but are not captured: another role"
                + " owns them and they are not in publication " + settings.source().publication() + " (ALTER PUBLICATION "
                + settings.source().publication() + " ADD TABLE ..., as their owner)";
    }

    /** Whether Debezium's per-change LastEvent summary is replaced (for tests). */
    LastEventSummary.Outcome lastEventSummary() {
        return lastEventSummary;
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    /** Debezium's completion callback: runs on the engine's thread when it stops, for whatever reason. */
    private void engineStopped(boolean success, String message, Throwable error) {
        synchronized (lifecycle) {
            if (readBack != null) {
                readBack.close();
                readBack = null;
            }
            if (closing) {
                state = State.STOPPED;
                return;
            }
            closePublisher(Duration.ofSeconds(30));
            if (causedBy(error, ChangePublisher.FencedException.class)) {
                state = State.FENCED;
                lastFailure = error;
                log.error("capture of {} stops: {}", settings.pipeline(), rootMessage(error));
                return;
            }
            String planned = plannedRestart;
            plannedRestart = null;
            if (planned != null && error == null) {
                state = State.RESTARTING;
                log.info("capture of {} stopped to restart: {}", settings.pipeline(), planned);
                scheduler.schedule(this::relaunch, 0, TimeUnit.MILLISECONDS);
                return;
            }
            lastFailure = error;
            if (System.nanoTime() - launchedAtNanos > Duration.ofMinutes(1).toNanos()) {
                backoff = Duration.ofSeconds(1);
            }
            state = State.RESTARTING;
            log.warn("capture of {} stopped ({}); restarting in {} s from the last committed offset", settings.pipeline(),
                    error == null ? message : rootMessage(error), backoff.toSeconds());
            Duration wait = backoff;
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            scheduler.schedule(this::relaunch, wait.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void relaunch() {
        try {
            launch();
        } catch (RuntimeException e) {
            engineStopped(false, "restart failed", e);
        }
    }

    private void closePublisher(Duration timeout) {
        if (publisher != null) {
            try {
                publisher.close(timeout);
            } catch (RuntimeException e) {
                log.debug("closing the publisher failed", e);
            }
            publisher = null;
        }
    }

    private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable t) {
        if (t == null) {
            return "no error";
        }
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return t.getMessage() + (root != t ? " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")" : "");
    }

    /** Logs the snapshot's progress per table while any table is still being read. */
    private void logProgress() {
        for (SnapshotProgress.TableProgress p : progress.tables()) {
            if (!p.done() && p.rowsDone() > 0) {
                log.info("snapshot of {}: {} of ~{} rows, {} rows/s{}", p.table(), p.rowsDone(), Math.max(p.rowsEstimated(), 0),
                        Math.round(p.rowsPerSecond()), p.eta().map(eta -> ", about " + eta.toSeconds() + " s left").orElse(""));
            }
        }
    }

    public State state() {
        return state;
    }

    /** The error that last stopped the engine, if any. */
    public Optional<Throwable> lastFailure() {
        return Optional.ofNullable(lastFailure);
    }

    public Preflight preflight() {
        return preflight;
    }

    public SnapshotProgress progress() {
        return progress;
    }

    /**
     * Writes a marker row into the source now and returns its sequence number: {@code DRAIN} for
     * {@code ferry cutover drain}; {@code HEARTBEAT} as the scheduled writer does.
     *
     * @throws CaptureException on a read-only source or when the source cannot be reached
     */
    public long writeMarker(Marker.Kind kind) {
        if (settings.source().readOnly()) {
            throw new CaptureException("source.read_only is true: Ferry writes no markers into this source");
        }
        try (Connection c = dialect.connect()) {
            return dialect.writeMarker(c, settings.pipeline(), kind);
        } catch (SQLException e) {
            throw new CaptureException("cannot write a " + kind.wireName() + " marker into the source: " + e.getMessage(), e);
        }
    }

    /**
     * Asks for an incremental re-snapshot of the captured tables matching these patterns, while streaming goes on.
     *
     * @return the tables asked for
     * @throws IllegalArgumentException on a read-only source (no signal table), or when a pattern matches no captured table
     * @throws CaptureException when the signal cannot be written
     */
    public List<TableId> resnapshot(List<String> tablePatterns) {
        if (settings.source().readOnly()) {
            throw new IllegalArgumentException("source.read_only is true: a re-snapshot is asked through Ferry's signal table in the"
                    + " source, which a read-only source does not have");
        }
        for (String pattern : tablePatterns) {
            try {
                java.util.regex.Pattern.compile(pattern);
            } catch (java.util.regex.PatternSyntaxException e) {
                throw new IllegalArgumentException("re-snapshot: '" + pattern + "' is not a regular expression over schema.table ("
                        + e.getDescription() + " at index " + e.getIndex() + "), as source.tables patterns are", e);
            }
        }
        SourceDialect.Selection selection = SourceDialect.select(tablePatterns,
                preflight.tables().stream().map(SourceTable::id).toList());
        if (!selection.unmatched().isEmpty()) {
            throw new IllegalArgumentException("re-snapshot: " + selection.unmatched() + " match no captured table (captured"
                    + " tables are those source.tables selects: " + preflight.tables().stream().map(t -> t.id().toString()).sorted()
                    .collect(Collectors.joining(", ")) + ")");
        }
        try (Connection c = dialect.connect()) {
            restartProgress(selection.tables()); // first: Debezium may list (and finish) a small table before this returns
            dialect.requestSnapshot(c, selection.tables());
            log.info("capture of {}: re-snapshot of {} requested", settings.pipeline(), selection.tables());
            return selection.tables();
        } catch (SQLException e) {
            throw new CaptureException("cannot signal a re-snapshot: " + e.getMessage(), e);
        }
    }

    /** The snapshot progress of tables an incremental snapshot was asked for counts from zero, until Debezium is done. */
    private void restartProgress(List<TableId> asked) {
        Map<TableId, Long> estimates = preflight.tables().stream().collect(Collectors.toMap(SourceTable::id, SourceTable::estimatedRows,
                (a, b) -> a));
        asked.forEach(t -> progress.restart(t, estimates.getOrDefault(t, 0L)));
    }

    /**
     * Closes Debezium's engine. The engine refuses while its tasks are starting (it would leak what they open), and a stop
     * asked for then (SIGTERM during a start, seen in CI) left the engine running until the process was killed: so the
     * close is retried until the tasks are up, for at most {@link #ENGINE_START_WAIT} and not past {@code stopBy}.
     *
     * @return false when the engine may still run (its tasks were still starting at the deadline, or the close failed)
     */
    private static boolean closeEngine(DebeziumEngine<?> running, long stopBy) {
        long deadline = Math.min(System.nanoTime() + ENGINE_START_WAIT.toNanos(), stopBy);
        boolean waited = false;
        while (true) {
            try {
                running.close();
                return true;
            } catch (IllegalStateException e) {
                if (e.getMessage() == null || !e.getMessage().contains(TASKS_STARTING)) {
                    // stopped or stopping already (a capture fenced or between restarts): nothing to wait for
                    log.debug("Debezium's engine: {}", e.getMessage());
                    return true;
                }
                if (System.nanoTime() > deadline) {
                    log.warn("stopping Debezium failed: its tasks were still starting when the stop's time was up: {}",
                            e.getMessage());
                    return false;
                }
                if (!waited) {
                    log.info("capture: Debezium's tasks are starting; the stop waits for them ({})", e.getMessage());
                    waited = true;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    log.warn("stopping Debezium: interrupted while its tasks were starting");
                    return false;
                }
            } catch (Exception e) {
                log.warn("stopping Debezium failed: {}", e.toString());
                return false;
            }
        }
    }

    /**
     * Stops the engine cleanly (Debezium commits its offsets), then the heartbeats, producer and admin client, all within
     * {@link #STOP_WITHIN}.
     */
    @Override
    public void close() {
        long stopBy = System.nanoTime() + STOP_WITHIN.toNanos();
        long engineBy = stopBy - CLIENTS_CLOSE.toNanos(); // the rest is for the producer and the admin client
        DebeziumEngine<RecordChangeEvent<SourceRecord>> running;
        synchronized (lifecycle) {
            closing = true;
            running = engine;
        }
        scheduler.shutdownNow();
        if (running != null) {
            closeEngine(running, engineBy);
        }
        engineThread.shutdown();
        try {
            if (!engineThread.awaitTermination(left(engineBy).toNanos(), TimeUnit.NANOSECONDS)) {
                log.warn("capture: Debezium's engine did not stop in time; its thread is interrupted");
                engineThread.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (lifecycle) {
            closePublisher(left(stopBy).dividedBy(2));
            if (readBack != null) { // an engine that did not stop in time
                readBack.close();
                readBack = null;
            }
            state = State.STOPPED;
        }
        if (heartbeats != null) {
            heartbeats.close();
        }
        admin.close(left(stopBy));
        progress.close();
    }

    /** The time until {@code stopBy}, at least a second (a client closed with no time at all drops what it sends). */
    private static Duration left(long stopBy) {
        return Duration.ofNanos(Math.max(stopBy - System.nanoTime(), Duration.ofSeconds(1).toNanos()));
    }
}
