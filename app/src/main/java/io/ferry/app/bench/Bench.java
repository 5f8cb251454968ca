package io.ferry.app.bench;

import io.ferry.app.service.ScratchDirectory;
import io.ferry.devstack.Devstack;
import io.ferry.devstack.DevstackException;
import io.ferry.devstack.PostgresService;
import io.ferry.devstack.Provider;
import io.ferry.devstack.Service;
import io.ferry.devstack.local.LocalKafka;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs {@code ferry bench}: devstack's PostgreSQL, then Ferry and the peer (Debezium's connectors in Kafka Connect) in
 * alternation, A B A B, each through three phases (snapshot, steady stream, backlog drain) on databases of its own and
 * timed on the target itself; then the floor (PostgreSQL's own logical replication) once.
 */
public final class Bench implements AutoCloseable {

    /** See {@code ferry bench --help}; {@code peerClasspath} null: looked for beside Ferry's build ({@link PeerClasspath}). */
    public record Options(Path dataDir, long rows, int rate, Duration duration, Duration warmup, int backlog, int backlogTransaction,
            Duration timeout, String command, boolean floor, boolean peer, int pairs, Path peerClasspath, List<String> ferryJvmOptions) {
    }

    private static final String FLOOR_SOURCE = "bench_floor_source";
    private static final String FLOOR_TARGET = "bench_floor_target";
    private static final String FERRY_WHAT = "Ferry %s: `ferry run`, every role in one JVM with its embedded Kafka, Ferry's defaults%s";

    private final Options options;
    private final PrintWriter out;
    private Devstack devstack;
    private PostgresService pg;
    private Contender current;
    private LocalKafka peerKafka;
    private final List<Connection> open = new ArrayList<>();
    private boolean closed;

    public Bench(Options options, PrintWriter out) {
        this.options = options;
        this.out = out;
    }

    /**
     * Runs every phase into an empty data directory ({@link ScratchDirectory#prepare}) and returns the figures.
     *
     * @throws BenchAborted when a server or a contender did not start, or a phase did not complete within the timeout
     */
    public BenchResult run() throws Exception {
        String startedAt = Instant.now().toString();
        double load = ProcessStats.loadAverage();
        Path dir = options.dataDir().toAbsolutePath();
        String peerClasspath = options.peer() ? PeerClasspath.read(options.peerClasspath()) : null;
        prepareServer(dir);
        List<BenchResult.Run> runs = new ArrayList<>();
        for (int pair = 1; pair <= options.pairs(); pair++) {
            runs.add(ferry(dir, pair));
            if (options.peer()) {
                runs.add(peer(dir, pair, peerClasspath));
            }
        }
        List<BenchResult.Summary> summaries = new ArrayList<>();
        summaries.add(summary(BenchResult.FERRY, String.format(FERRY_WHAT, Versions.ferry(), options.ferryJvmOptions().isEmpty() ? ""
                : ", JVM options " + String.join(" ", options.ferryJvmOptions())), runs));
        if (options.peer()) {
            summaries.add(summary(BenchResult.PEER, KafkaConnectPeer.what(Versions.kafka(), Versions.debezium()), runs));
        }
        BenchResult.Floor floor = options.floor() ? floor(summaries.get(0)) : null;
        BenchResult.Machine machine = new BenchResult.Machine(Runtime.getRuntime().availableProcessors(), ProcessStats.memoryGib(),
                System.getProperty("java.version"), System.getProperty("os.name") + " " + System.getProperty("os.version"), pg.version(),
                pg.version(), load);
        return new BenchResult("postgres-to-postgres", comparedWith(), options.command(), startedAt, machine, options.pairs(), runs,
                summaries, options.peer() ? pairRatios(runs) : List.of(), floor);
    }

    private String comparedWith() {
        List<String> what = new ArrayList<>();
        if (options.peer()) {
            what.add("the peer, Debezium's PostgreSQL source and JDBC sink connectors in Kafka Connect, in alternation with Ferry ("
                    + options.pairs() + (options.pairs() == 1 ? " pair)" : " pairs)"));
        }
        if (options.floor()) {
            what.add("PostgreSQL's logical replication (publication + subscription) as the floor");
        }
        return what.isEmpty() ? "nothing (--no-peer --no-floor)" : String.join("; ", what);
    }

    /** What one contender did in the three phases. */
    private record Phases(BenchResult.Snapshot snapshot, BenchResult.Steady steady, BenchResult.Backlog backlog) {
    }

    /** Ferry's run of a pair: its own source and target databases, pipeline file and data directory. */
    private BenchResult.Run ferry(Path dir, int pair) throws Exception {
        String source = "bench_ferry" + pair + "_source";
        String target = "bench_ferry" + pair + "_target";
        Path runDir = dir.resolve("runs").resolve("ferry-" + pair);
        say(String.format("pair %d: Ferry (its data and log under %s)", pair, runDir));
        prepareDatabases(source, target, false);
        Files.createDirectories(runDir);
        Path file = runDir.resolve(ScratchDirectory.PIPELINE_FILE);
        Files.writeString(file, BenchPipeline.yaml(runDir, pg, source, target));
        FerryContender ferry = new FerryContender(BenchPipeline.NAME, file, options.ferryJvmOptions(), runDir.resolve("ferry.log"));
        try {
            Phases p = phases(ferry, source, target, "Ferry");
            return new BenchResult.Run(BenchResult.FERRY, pair, p.snapshot(), p.steady(), p.backlog(), ferry.process());
        } finally {
            dropDatabases(source, target);
            ScratchDirectory.delete(runDir.resolve("state"));
        }
    }

    /** The peer's run of a pair: its own databases, a broker of its own in this JVM, Kafka Connect in a child JVM. */
    private BenchResult.Run peer(Path dir, int pair, String classpath) throws Exception {
        String source = "bench_peer" + pair + "_source";
        String target = "bench_peer" + pair + "_target";
        Path runDir = dir.resolve("runs").resolve("peer-" + pair);
        say(String.format("pair %d: the peer, Kafka Connect (its configuration and log under %s)", pair, runDir));
        prepareDatabases(source, target, true);
        peerKafka = LocalKafka.open(runDir.resolve("kafka"), 0);
        KafkaConnectPeer peer = new KafkaConnectPeer(runDir, classpath, pg, source, target, peerKafka.bootstrapServers());
        try {
            Phases p = phases(peer, source, target, "Kafka Connect");
            return new BenchResult.Run(BenchResult.PEER, pair, p.snapshot(), p.steady(), p.backlog(), peer.process());
        } finally {
            peerKafka.close();
            peerKafka = null;
            dropDatabases(source, target);
            ScratchDirectory.delete(runDir.resolve("kafka"));
        }
    }

    /** The floor, once, after the pairs; its ratios take Ferry's medians. */
    private BenchResult.Floor floor(BenchResult.Summary ferry) throws Exception {
        say(String.format("floor: the same phases through PostgreSQL's logical replication (%s -> %s)", FLOOR_SOURCE, FLOOR_TARGET));
        prepareDatabases(FLOOR_SOURCE, FLOOR_TARGET, true);
        try {
            Phases f = phases(new LogicalReplicationFloor(pg, FLOOR_SOURCE, FLOOR_TARGET), FLOOR_SOURCE, FLOOR_TARGET, "the subscription");
            return new BenchResult.Floor(pg.version() + " logical replication: publication and subscription (pgoutput)", f.snapshot(),
                    f.steady(), f.backlog(), new BenchResult.Ratios(
                            ratio(ferry.snapshotRowsPerS().median(), f.snapshot().rowsPerS()),
                            ratio(ferry.backlogEventsPerS().median(), f.backlog().eventsPerS()),
                            ratio(ferry.latencyP99Ms().median(), f.steady().latencyMs().p99())));
        } finally {
            dropDatabases(FLOOR_SOURCE, FLOOR_TARGET);
        }
    }

    /** The three phases against one contender, which is closed (stopped) afterwards, whatever happens. */
    private Phases phases(Contender contender, String sourceDatabase, String targetDatabase, String who) throws Exception {
        current = contender;
        try (contender; Connection from = connect(sourceDatabase); Connection to = connect(targetDatabase)) {
            TargetWatch watch = new TargetWatch(to, contender);
            BenchResult.Snapshot snapshot = snapshot(watch, contender, who);
            LoadGenerator generator = new LoadGenerator(from, options.rows());
            BenchResult.Steady steady = steady(watch, generator, contender, targetDatabase);
            BenchResult.Backlog backlog = backlog(watch, generator, contender, who);
            return new Phases(snapshot, steady, backlog);
        } finally {
            current = null;
        }
    }

    private Connection connect(String database) throws SQLException {
        Connection c = pg.connect(database);
        synchronized (open) {
            open.add(c);
        }
        return c;
    }

    private static BenchResult.Summary summary(String contender, String what, List<BenchResult.Run> runs) {
        List<BenchResult.Run> mine = runs.stream().filter(r -> r.contender().equals(contender)).toList();
        return new BenchResult.Summary(contender, what,
                BenchResult.Spread.of(mine.stream().map(r -> (double) r.snapshot().rowsPerS()).toList()),
                BenchResult.Spread.of(mine.stream().map(r -> (double) r.backlog().eventsPerS()).toList()),
                BenchResult.Spread.of(mine.stream().map(r -> r.steady().latencyMs().p50()).toList()),
                BenchResult.Spread.of(mine.stream().map(r -> r.steady().latencyMs().p95()).toList()),
                BenchResult.Spread.of(mine.stream().map(r -> r.steady().latencyMs().p99()).toList()),
                BenchResult.Spread.of(mine.stream().map(r -> r.process().cpuSeconds()).toList()),
                BenchResult.Spread.of(mine.stream().map(r -> r.process().peakRssMib()).toList()));
    }

    private static List<BenchResult.PairRatios> pairRatios(List<BenchResult.Run> runs) {
        List<BenchResult.PairRatios> ratios = new ArrayList<>();
        for (BenchResult.Run f : runs) {
            if (!f.contender().equals(BenchResult.FERRY)) {
                continue;
            }
            runs.stream().filter(p -> p.contender().equals(BenchResult.PEER) && p.pair() == f.pair()).findFirst().ifPresent(p ->
                    ratios.add(new BenchResult.PairRatios(f.pair(),
                            ratio(f.snapshot().rowsPerS(), p.snapshot().rowsPerS()),
                            ratio(f.backlog().eventsPerS(), p.backlog().eventsPerS()),
                            ratio(f.steady().latencyMs().p99(), p.steady().latencyMs().p99()),
                            ratio(f.process().cpuSeconds(), p.process().cpuSeconds()),
                            ratio(f.process().peakRssMib(), p.process().peakRssMib()))));
        }
        return ratios;
    }

    static double ratio(double a, double b) {
        return b == 0 ? 0 : Math.round(a / b * 100) / 100.0;
    }

    private void prepareServer(Path dir) throws BenchAborted {
        say("starting PostgreSQL (devstack, data under " + dir.resolve("servers") + ") ...");
        try {
            devstack = Devstack.create(Provider.LOCAL, dir.resolve("servers"));
            devstack.ensure(List.of(Service.POSTGRES));
            pg = devstack.postgres();
        } catch (DevstackException e) {
            throw new BenchAborted("PostgreSQL did not start: " + e.getMessage(), e);
        }
    }

    /**
     * A fresh source database filled with the snapshot's rows and an empty target database; with {@code targetTable}, the
     * target table made beforehand (the peer's sink and the floor's subscription need it; Ferry's sink makes its own).
     */
    private void prepareDatabases(String source, String target, boolean targetTable) throws SQLException {
        dropDatabases(source, target);
        pg.createDatabase(source);
        pg.createDatabase(target);
        say(String.format("filling %s's public.bench with %,d rows of ~200 bytes ...", source, options.rows()));
        try (Connection s = pg.connect(source)) {
            BenchTable.createAndFill(s, options.rows());
        }
        if (targetTable) {
            try (Connection t = pg.connect(target)) {
                BenchTable.create(t);
            }
        }
    }

    /** Drops a run's databases, and first the replication slots left in its source (a slot keeps its database). */
    private void dropDatabases(String... databases) throws SQLException {
        try (Connection admin = pg.connect("postgres"); Statement s = admin.createStatement()) {
            for (String db : databases) {
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (true) {
                    try (ResultSet rs = s.executeQuery("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = '"
                            + db + "'")) {
                        while (rs.next()) {
                            // each row dropped one
                        }
                        break;
                    } catch (SQLException e) {
                        // still in use by a walsender that is going away
                        if (System.nanoTime() > deadline) {
                            throw e;
                        }
                        sleep(500);
                    }
                }
                s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Phase 1: from the contender's start until count(*) on the target reaches the snapshot's rows. */
    private BenchResult.Snapshot snapshot(TargetWatch watch, Contender contender, String who) throws Exception {
        double cpu = cpu(contender);
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
                round(cpu(contender) - cpu));
    }

    /** CPU seconds of the contender's own processes so far; 0 for the floor, which runs inside PostgreSQL. */
    private static double cpu(Contender contender) {
        BenchResult.ProcessUse p = contender.process();
        return p == null ? 0 : p.cpuSeconds();
    }

    /** Phase 2: the load generator at a fixed rate, each transaction watched until it is visible in the target. */
    private BenchResult.Steady steady(TargetWatch watch, LoadGenerator generator, Contender contender, String targetDatabase)
            throws Exception {
        double cpu = cpu(contender);
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
                    probe.gaps().summary().percentiles(), round(cpu(contender) - cpu));
        }
    }

    /** Phase 3: stop the contender, queue changes, start it again (Ferry: a new service on the same data directory), time the drain. */
    private BenchResult.Backlog backlog(TargetWatch watch, LoadGenerator generator, Contender contender, String who) throws Exception {
        double cpu = cpu(contender);
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
                round(b.seconds()), round(seconds), Math.round(b.events() / seconds), round(start), round(cpu(contender) - cpu));
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

    /** Stops the contender, the connections and the servers; idempotent (also the Ctrl-C hook). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (current != null) {
            current.close();
        }
        synchronized (open) {
            for (Connection c : open) {
                try {
                    c.close();
                } catch (SQLException e) {
                    // the server is stopping anyway
                }
            }
        }
        if (peerKafka != null) {
            peerKafka.close();
        }
        if (devstack != null) {
            devstack.close();
        }
    }
}
