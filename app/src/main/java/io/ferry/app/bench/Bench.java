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
            Duration timeout, String command) {
    }

    private static final String COMPARED_WITH = "no Kafka Connect peer and no logical-replication floor yet";
    private static final String PROCESS_NOTE = "this JVM: Ferry with its embedded Kafka, plus the benchmark's load generator, probes and"
            + " JDBC clients; PostgreSQL (source and target) runs as separate processes, not counted";

    private final Options options;
    private final PrintWriter out;
    private Devstack devstack;
    private PostgresService pg;
    private PipelineConfig config;
    private FerryService service;
    private Connection source;
    private Connection target;
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
        TargetWatch watch = new TargetWatch(target);
        BenchResult.Snapshot snapshot = snapshot(watch);
        LoadGenerator generator = new LoadGenerator(source, options.rows());
        BenchResult.Steady steady = steady(watch, generator);
        BenchResult.Backlog backlog = backlog(watch, generator);
        BenchResult.ProcessUse process = new BenchResult.ProcessUse(round(ProcessStats.cpuSeconds()), ProcessStats.peakRssMib(), PROCESS_NOTE);
        BenchResult.Machine machine = new BenchResult.Machine(Runtime.getRuntime().availableProcessors(), ProcessStats.memoryGib(),
                System.getProperty("java.version"), System.getProperty("os.name") + " " + System.getProperty("os.version"), pg.version(),
                pg.version(), load);
        return new BenchResult("postgres-to-postgres", COMPARED_WITH, options.command(), startedAt, machine, snapshot, steady, backlog, process);
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
        Path file = dir.resolve(ScratchDirectory.PIPELINE_FILE);
        Files.writeString(file, BenchPipeline.yaml(dir, pg));
        config = PipelineLoader.standard().load(file);
    }

    /** Phase 1: from the service's start until count(*) on the target reaches the snapshot's rows. */
    private BenchResult.Snapshot snapshot(TargetWatch watch) throws Exception {
        double cpu = ProcessStats.cpuSeconds();
        long t0 = System.nanoTime();
        double start = startService();
        say(String.format("snapshot: service started in %.1f s; waiting until the target has %,d rows ...", start, options.rows()));
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
    private BenchResult.Steady steady(TargetWatch watch, LoadGenerator generator) throws Exception {
        double cpu = ProcessStats.cpuSeconds();
        say(String.format("steady: %d transactions/s (single-row inserts and updates) for %d s after a %d s warm-up ...", options.rate(),
                options.duration().toSeconds(), options.warmup().toSeconds()));
        try (Connection probeConnection = pg.connect(BenchPipeline.TARGET_DATABASE); VisibilityProbe probe = new VisibilityProbe(probeConnection)) {
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

    /** Phase 3: stop the service, queue changes, start a new service on the same data directory, time the drain. */
    private BenchResult.Backlog backlog(TargetWatch watch, LoadGenerator generator) throws Exception {
        double cpu = ProcessStats.cpuSeconds();
        say("backlog: stopping the service ...");
        service.close();
        service = null;
        LoadGenerator.BacklogRun b = generator.backlog(options.backlog(), options.backlogTransaction());
        say(String.format("backlog: %,d changes written in %.1f s while stopped; starting a new service on the same data directory ...",
                b.events(), b.seconds()));
        long t0 = System.nanoTime();
        double start = startService();
        long done = watch.await("the backlog drain", options.timeout(), c -> backlogApplied(c, b));
        double seconds = (done - t0) / 1e9;
        say(String.format("backlog: the target caught up %.1f s after the start", seconds));
        return new BenchResult.Backlog(b.events(), options.backlogTransaction(), b.insertTo() - b.insertFrom() + 1, b.updates(),
                round(b.seconds()), round(seconds), Math.round(b.events() / seconds), round(start), round(ProcessStats.cpuSeconds() - cpu));
    }

    private double startService() throws BenchAborted {
        long t0 = System.nanoTime();
        try {
            service = new FerryService(config, EnumSet.allOf(Role.class), new SimpleMeterRegistry()).start();
        } catch (RuntimeException e) {
            throw new BenchAborted("the Ferry service did not start: " + e.getMessage(), e);
        }
        return (System.nanoTime() - t0) / 1e9;
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
        if (service != null) {
            service.close();
        }
        for (Connection c : new Connection[] {source, target}) {
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
