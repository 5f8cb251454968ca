package io.ferry.app.bench;

import io.ferry.app.service.ScratchDirectory;
import io.ferry.app.service.FerryService;
import io.ferry.app.service.Role;
import io.ferry.core.config.PipelineConfig;
import io.ferry.core.config.PipelineLoader;
import io.ferry.devstack.Devstack;
import io.ferry.devstack.DevstackException;
import io.ferry.devstack.PostgresService;
import io.ferry.devstack.Provider;
import io.ferry.devstack.Service;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;

/**
 * Runs {@code ferry bench}: devstack's PostgreSQL with a source and a target database, then Ferry in this
 * process through three phases (snapshot, steady stream, backlog drain), each timed on the target itself.
 */
public final class Bench implements AutoCloseable {

    /** See {@code ferry bench --help}. */
    public record Options(Path dataDir, long rows, int rate, Duration duration, Duration warmup, int backlog, int backlogTransaction,
            Duration timeout, String command, boolean floor) {
    }

    private static final String COMPARED_WITH = "no Kafka Connect peer yet, no logical-replication floor (--no-floor)";
    private static final String COMPARED_WITH_FLOOR = "PostgreSQL's logical replication (publication + subscription) on the same workload"
            + " as the floor; no Kafka Connect peer yet";
    private static final String FLOOR_SOURCE = "bench_floor_source";
    private static final String FLOOR_TARGET = "bench_floor_target";
    private static final String PROCESS_NOTE = "this JVM: Ferry with its embedded Kafka, plus the benchmark's load generator, probes and"
            + " JDBC clients; PostgreSQL (source and target) runs as separate processes, not counted";

    private final Options options;
    private final PrintWriter out;
    private Devstack devstack;
    private PostgresService pg;
    private PipelineConfig config;
    private Contender current;
    private Connection source;
    private Connection target;
    private Connection floorSource;
    private Connection floorTarget;
    private boolean closed;

    public Bench(Options options, PrintWriter out) {
        this.options = options;
        this.out = out;
    }

    /**
     * Runs every phase into an empty data directory ({@link ScratchDirectory#prepare}) and returns the figures.
     *
     * @throws BenchAborted when a server or the service did not start, or a phase did not complete within the timeout
     */
    public BenchResult run() throws Exception {
        String startedAt = Instant.now().toString();
        double load = ProcessStats.loadAverage();
        Path dir = options.dataDir().toAbsolutePath();
        prepareServers(dir);
        Phases ferry = phases(new FerryContender(), source, target, BenchPipeline.TARGET_DATABASE, "the service");
        BenchResult.ProcessUse process = new BenchResult.ProcessUse(round(ProcessStats.cpuSeconds()), ProcessStats.peakRssMib(), PROCESS_NOTE);
        BenchResult.Floor floor = null;
        if (options.floor()) {
            prepareFloor();
            Phases f = phases(new LogicalReplicationFloor(pg, FLOOR_SOURCE, FLOOR_TARGET), floorSource, floorTarget, FLOOR_TARGET,
                    "the subscription");
            floor = new BenchResult.Floor(pg.version() + " logical replication: publication and subscription (pgoutput)",
                    f.snapshot(), f.steady(), f.backlog(), new BenchResult.Ratios(
                            ratio(ferry.snapshot().rowsPerS(), f.snapshot().rowsPerS()),
                            ratio(ferry.backlog().eventsPerS(), f.backlog().eventsPerS()),
                            ratio(ferry.steady().latencyMs().p99(), f.steady().latencyMs().p99())));
        }
        BenchResult.Machine machine = new BenchResult.Machine(Runtime.getRuntime().availableProcessors(), ProcessStats.memoryGib(),
                System.getProperty("java.version"), System.getProperty("os.name") + " " + System.getProperty("os.version"), pg.version(),
                pg.version(), load);
        return new BenchResult("postgres-to-postgres", options.floor() ? COMPARED_WITH_FLOOR : COMPARED_WITH, options.command(), startedAt,
                machine, ferry.snapshot(), ferry.steady(), ferry.backlog(), process, floor);
    }

    /** What one contender did in the three phases. */
    private record Phases(BenchResult.Snapshot snapshot, BenchResult.Steady steady, BenchResult.Backlog backlog) {
    }

    /** The three phases against one contender, which is closed afterwards (its slot and publication dropped). */
    private Phases phases(Contender contender, Connection from, Connection to, String targetDatabase, String who) throws Exception {
        current = contender;
        try (contender) {
            TargetWatch watch = new TargetWatch(to);
            BenchResult.Snapshot snapshot = snapshot(watch, contender, who);
            LoadGenerator generator = new LoadGenerator(from, options.rows());
            BenchResult.Steady steady = steady(watch, generator, targetDatabase);
            BenchResult.Backlog backlog = backlog(watch, generator, contender, who);
            return new Phases(snapshot, steady, backlog);
        } finally {
            current = null;
        }
    }

    private static double ratio(double a, double b) {
        return b == 0 ? 0 : Math.round(a / b * 100) / 100.0;
    }

    /** Ferry's service, all roles in this JVM; stopping closes it, starting again opens a new one on the same data directory. */
    private final class FerryContender implements Contender {

        private FerryService service;

        @Override
        public double start() throws BenchAborted {
            long t0 = System.nanoTime();
            try {
                service = new FerryService(config, EnumSet.allOf(Role.class), new SimpleMeterRegistry()).start();
            } catch (RuntimeException e) {
                throw new BenchAborted("the Ferry service did not start: " + e.getMessage(), e);
            }
            return (System.nanoTime() - t0) / 1e9;
        }

        @Override
        public void stop() {
            close();
        }

        @Override
        public void close() {
            if (service != null) {
                service.close();
                service = null;
            }
        }
    }

    private void prepareServers(Path dir) throws Exception {
        say("starting PostgreSQL (devstack, data under " + dir.resolve("servers") + ") ...");
        try {
            devstack = Devstack.create(Provider.LOCAL, dir.resolve("servers"));
            devstack.ensure(List.of(Service.POSTGRES));
            pg = devstack.postgres();
            pg.createDatabase(BenchPipeline.SOURCE_DATABASE);
            pg.createDatabase(BenchPipeline.TARGET_DATABASE);
        } catch (DevstackException e) {
            throw new BenchAborted("PostgreSQL did not start: " + e.getMessage(), e);
        }
        source = pg.connect(BenchPipeline.SOURCE_DATABASE);
        target = pg.connect(BenchPipeline.TARGET_DATABASE);
        say(String.format("filling the source's public.bench with %,d rows of ~200 bytes ...", options.rows()));
        BenchTable.createAndFill(source, options.rows());
        if (options.floor()) {
            pg.createDatabase(FLOOR_SOURCE);
            pg.createDatabase(FLOOR_TARGET);
        }
        Path file = dir.resolve(ScratchDirectory.PIPELINE_FILE);
        Files.writeString(file, BenchPipeline.yaml(dir, pg));
        config = PipelineLoader.standard().load(file);
    }

    /** The floor's own source (filled like Ferry's) and empty target table, in two more databases of the same server. */
    private void prepareFloor() throws SQLException {
        floorSource = pg.connect(FLOOR_SOURCE);
        floorTarget = pg.connect(FLOOR_TARGET);
        say(String.format("floor: filling %s's public.bench with %,d rows; the same phases through PostgreSQL's logical replication ...",
                FLOOR_SOURCE, options.rows()));
        BenchTable.createAndFill(floorSource, options.rows());
        BenchTable.create(floorTarget);
    }

    /** Phase 1: from the contender's start until count(*) on the target reaches the snapshot's rows. */
    private BenchResult.Snapshot snapshot(TargetWatch watch, Contender contender, String who) throws Exception {
        double cpu = ProcessStats.cpuSeconds();
        long t0 = System.nanoTime();
        double start = contender.start();
        say(String.format("snapshot: %s started in %.1f s; waiting until the target has %,d rows ...", who, start, options.rows()));
        long[] lastSaid = {System.nanoTime()};
        long done = watch.await("the snapshot", options.timeout(), c -> {
            long rows = count(c);
            if (System.nanoTime() - lastSaid[0] > 5_000_000_000L && rows < options.rows()) {
                lastSaid[0] = System.nanoTime();
                say(String.format("snapshot: %,d of %,d rows in the target", rows, options.rows()));
            }
            return rows >= options.rows();
        });
        double seconds = (done - t0) / 1e9;
        say(String.format("snapshot: the target has every row after %.1f s", seconds));
        return new BenchResult.Snapshot(options.rows(), round(seconds), Math.round(options.rows() / seconds), round(start),
                round(ProcessStats.cpuSeconds() - cpu));
    }

    /** Phase 2: the load generator at a fixed rate, each transaction watched until it is visible in the target. */
    private BenchResult.Steady steady(TargetWatch watch, LoadGenerator generator, String targetDatabase) throws Exception {
        double cpu = ProcessStats.cpuSeconds();
        say(String.format("steady: %d transactions/s (single-row inserts and updates) for %d s after a %d s warm-up ...", options.rate(),
                options.duration().toSeconds(), options.warmup().toSeconds()));
        try (Connection probeConnection = pg.connect(targetDatabase); VisibilityProbe probe = new VisibilityProbe(probeConnection)) {
            probe.start();
            LoadGenerator.SteadyRun run = generator.steady(options.rate(), options.warmup(), options.duration(), probe);
            watch.await("the steady phase (its last transactions reaching the target)", options.timeout(), c -> probe.pendingCount() == 0);
            probe.close();
            LatencyRecorder.Summary l = probe.latencies().summary();
            say(String.format("steady: %,d transactions measured, latency p50 %.1f ms, p99 %.1f ms", l.count(), l.p50Ms(), l.p99Ms()));
            return new BenchResult.Steady(options.rate(), round(run.achievedRate()), round(run.seconds()), options.warmup().toSeconds(),
                    run.transactions(), run.inserts(), run.updates(), l.percentiles(), VisibilityProbe.INTERVAL.toMillis(),
                    probe.gaps().summary().percentiles(), round(ProcessStats.cpuSeconds() - cpu));
        }
    }

    /** Phase 3: stop the contender, queue changes, start it again (Ferry: a new service on the same data directory), time the drain. */
    private BenchResult.Backlog backlog(TargetWatch watch, LoadGenerator generator, Contender contender, String who) throws Exception {
        double cpu = ProcessStats.cpuSeconds();
        say("backlog: stopping " + who + " ...");
        contender.stop();
        LoadGenerator.BacklogRun b = generator.backlog(options.backlog(), options.backlogTransaction());
        say(String.format("backlog: %,d changes written in %.1f s while stopped; starting %s again ...", b.events(), b.seconds(), who));
        long t0 = System.nanoTime();
        double start = contender.start();
        long done = watch.await("the backlog drain", options.timeout(), c -> backlogApplied(c, b));
        double seconds = (done - t0) / 1e9;
        say(String.format("backlog: the target caught up %.1f s after the start", seconds));
        return new BenchResult.Backlog(b.events(), options.backlogTransaction(), b.insertTo() - b.insertFrom() + 1, b.updates(),
                round(b.seconds()), round(seconds), Math.round(b.events() / seconds), round(start), round(ProcessStats.cpuSeconds() - cpu));
    }

    private static long count(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(BenchTable.COUNT); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static boolean backlogApplied(Connection c, LoadGenerator.BacklogRun b) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(BenchTable.BACKLOG_APPLIED)) {
            ps.setLong(1, b.insertFrom());
            ps.setLong(2, b.insertTo());
            ps.setLong(3, b.updates());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) == b.insertTo() - b.insertFrom() + 1 && rs.getLong(2) == b.updates();
            }
        }
    }

    private void say(String line) {
        out.println("[bench] " + line);
        out.flush();
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    /** Stops the service, the connections and the servers; idempotent (also the Ctrl-C hook). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (current != null) {
            current.close();
        }
        for (Connection c : new Connection[] {source, target, floorSource, floorTarget}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (SQLException e) {
                // the server is stopping anyway
            }
        }
        if (devstack != null) {
            devstack.close();
        }
    }
}
