package io.ferry.app.bench;

import io.ferry.app.service.ScratchDirectory;
import io.ferry.devstack.Devstack;
import io.ferry.devstack.DevstackException;
import io.ferry.devstack.PostgresService;
import io.ferry.devstack.Provider;
import io.ferry.devstack.Service;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * Runs {@code ferry bench}: devstack's servers for the scenario, then Ferry and, PostgreSQL to PostgreSQL, the peer (Debezium's
 * connectors in Kafka Connect) in alternation, A B A B, each through its phases (snapshot, steady stream, backlog drain, the
 * steady stream near its maximum, Ferry's validation) on databases of its own and timed on the target itself; then the floor
 * (PostgreSQL's own logical replication) once.
 */
public final class Bench implements AutoCloseable {

    /** See {@code ferry bench --help}; {@code peerClasspath} null: looked for beside Ferry's build ({@link PeerClasspath}). */
    public record Options(BenchScenario scenario, Path dataDir, long rows, int rate, Duration duration, Duration warmup, int backlog,
            int backlogTransaction, Duration timeout, String command, boolean floor, boolean peer, int pairs, Path peerClasspath,
            List<String> ferryJvmOptions, boolean direct, boolean ferryKafkaExternal) {
    }

    /** The steady phase again at these percentages of the contender's own backlog events/s. */
    private static final int[] NEAR_MAX_PERCENT = {50, 80};
    private static final String FLOOR_SOURCE = "bench_floor_source";
    private static final String FLOOR_TARGET = "bench_floor_target";
    private static final String FERRY_WHAT = "Ferry %s: `ferry run`, every role in one JVM %s, Ferry's defaults%s";
    private static final String EMBEDDED_KAFKA = "with its embedded Kafka";
    private static final String EXTERNAL_KAFKA = "against a broker in a JVM of its own (kafka.bootstrap_servers), as the peer's";

    private final Options options;
    private final PrintWriter out;
    private Devstack devstack;
    private PostgresService pg;
    private Contender current;
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
        prepareServers(dir);
        List<BenchResult.Run> runs = new ArrayList<>();
        for (int pair = 1; pair <= options.pairs(); pair++) {
            runs.add(ferry(dir, pair));
            if (options.peer()) {
                runs.add(peer(dir, pair, peerClasspath));
            }
        }
        List<BenchResult.Summary> summaries = new ArrayList<>();
        summaries.add(summary(BenchResult.FERRY, String.format(FERRY_WHAT, Versions.ferry(),
                options.ferryKafkaExternal() ? EXTERNAL_KAFKA : EMBEDDED_KAFKA, (direct() ? ", the direct path (transform.direct) with its bulk copy of the snapshot"
                : ", through the transform stage") + (options.ferryJvmOptions().isEmpty() ? ""
                : ", JVM options " + String.join(" ", options.ferryJvmOptions()))), runs));
        if (options.peer()) {
            summaries.add(summary(BenchResult.PEER, KafkaConnectPeer.what(Versions.kafka(), Versions.debezium()), runs));
        }
        BenchResult.Floor floor = options.floor() ? floor(summaries.get(0)) : null;
        BenchResult.Machine machine = new BenchResult.Machine(Runtime.getRuntime().availableProcessors(), ProcessStats.memoryGib(),
                System.getProperty("java.version"), System.getProperty("os.name") + " " + System.getProperty("os.version"),
                devstack.get(options.scenario().source()).version(), devstack.get(options.scenario().target()).version(), load);
        return new BenchResult(options.scenario().id(), comparedWith(), options.command(), startedAt, machine, options.pairs(), runs,
                summaries, options.peer() ? pairRatios(runs) : List.of(), floor);
    }

    /** Whether Ferry's mapping takes the direct path: asked for, and the source is PostgreSQL. */
    private boolean direct() {
        return options.direct() && options.scenario().source() == io.ferry.devstack.Service.POSTGRES;
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

    /** What one contender did in the phases; {@code validation} null where there was none (not Ferry). */
    private record Phases(BenchResult.Snapshot snapshot, BenchResult.Steady steady, BenchResult.Backlog backlog,
            List<BenchResult.Steady> nearMax, BenchResult.Validation validation) {
    }

    /** Ferry's run of a pair: its own source and target databases, pipeline file and data directory. */
    private BenchResult.Run ferry(Path dir, int pair) throws Exception {
        String sourceName = "bench_ferry" + pair + "_source";
        BenchSource source = source(sourceName);
        BenchTarget target = target("bench_ferry" + pair + "_target");
        Path runDir = dir.resolve("runs").resolve("ferry-" + pair);
        say(String.format("pair %d: Ferry (its data and log under %s)", pair, runDir));
        FerryContender ferry = null;
        try {
            fill(source, sourceName);
            target.create(false);
            Files.createDirectories(runDir);
            Path file = runDir.resolve(ScratchDirectory.PIPELINE_FILE);
            int httpPort = freePort();
            JavaProcess broker = null;
            String bootstrap = null;
            if (options.ferryKafkaExternal()) {
                int port = freePort();
                broker = BenchBroker.process("Ferry's Kafka broker", runDir, port);
                bootstrap = "127.0.0.1:" + port;
            }
            Files.writeString(file, BenchPipeline.yaml(runDir, source, target, httpPort, options.direct(), bootstrap));
            ferry = new FerryContender(BenchPipeline.NAME, file, options.ferryJvmOptions(), runDir.resolve("ferry.log"), broker);
            current = ferry;
            if (broker != null) {
                BenchBroker.start(broker);
            }
            Phases p = phases(ferry, source, target, "Ferry", httpPort);
            return new BenchResult.Run(BenchResult.FERRY, pair, p.snapshot(), p.steady(), p.backlog(), p.nearMax(), p.validation(),
                    ferry.process());
        } finally {
            try {
                if (ferry != null) {
                    ferry.close(); // its broker too; the phases closed Ferry already unless the broker did not start
                }
                source.drop();
                target.drop();
            } finally {
                target.close();
                ScratchDirectory.delete(runDir.resolve("state"));
                ScratchDirectory.delete(runDir.resolve("kafka"));
            }
        }
    }

    private BenchSource source(String database) {
        return switch (options.scenario().source()) {
            case POSTGRES -> new PostgresBenchSource(pg, database, options.direct());
            case MARIADB -> new MariaDbBenchSource(devstack.mariadb(), database);
            default -> throw new IllegalStateException("no benchmark source for " + options.scenario().source());
        };
    }

    private BenchTarget target(String database) {
        return switch (options.scenario().target()) {
            case POSTGRES -> new PostgresBenchTarget(pg, database);
            case CASSANDRA -> new CassandraBenchTarget(devstack.cassandra(), database);
            case MONGODB -> new MongoBenchTarget(devstack.mongodb(), database);
            default -> throw new IllegalStateException("no benchmark target for " + options.scenario().target());
        };
    }

    private void fill(BenchSource source, String name) throws SQLException {
        say(String.format("filling %s's bench table with %,d rows of ~200 bytes ...", name, options.rows()));
        source.create(options.rows());
    }

    /**
     * A port nothing listens on now, for a server a child process binds (Ferry's status server, which the benchmark asks to
     * validate; the peer's REST port; an external broker): below the kernel's ephemeral range, where no connection of the
     * contenders takes it first.
     */
    private static int freePort() {
        return io.ferry.devstack.local.FreePorts.next();
    }

    /** The peer's run of a pair: its own databases, its own broker and Kafka Connect, each in a child JVM. */
    private BenchResult.Run peer(Path dir, int pair, String classpath) throws Exception {
        String source = "bench_peer" + pair + "_source";
        String target = "bench_peer" + pair + "_target";
        Path runDir = dir.resolve("runs").resolve("peer-" + pair);
        say(String.format("pair %d: the peer, Kafka Connect (its configuration and log under %s)", pair, runDir));
        PostgresBenchSource from = new PostgresBenchSource(pg, source, options.direct());
        PostgresBenchTarget to = new PostgresBenchTarget(pg, target);
        KafkaConnectPeer peer = null;
        try {
            fill(from, source);
            to.create(true);
            peer = new KafkaConnectPeer(runDir, classpath, pg, source, target, freePort());
            current = peer;
            peer.startBroker();
            Phases p = phases(peer, from, to, "Kafka Connect", 0);
            return new BenchResult.Run(BenchResult.PEER, pair, p.snapshot(), p.steady(), p.backlog(), p.nearMax(), null, peer.process());
        } finally {
            if (peer != null) {
                peer.close(); // its broker too; the phases closed it already unless the broker did not start
            }
            from.drop();
            to.drop();
            ScratchDirectory.delete(runDir.resolve("kafka"));
        }
    }

    /** The floor, once, after the pairs; its ratios take Ferry's medians. */
    private BenchResult.Floor floor(BenchResult.Summary ferry) throws Exception {
        say(String.format("floor: the same phases through PostgreSQL's logical replication (%s -> %s)", FLOOR_SOURCE, FLOOR_TARGET));
        PostgresBenchSource from = new PostgresBenchSource(pg, FLOOR_SOURCE, options.direct());
        PostgresBenchTarget to = new PostgresBenchTarget(pg, FLOOR_TARGET);
        try {
            fill(from, FLOOR_SOURCE);
            to.create(true);
            Phases f = phases(new LogicalReplicationFloor(pg, FLOOR_SOURCE, FLOOR_TARGET), from, to, "the subscription", 0);
            return new BenchResult.Floor(pg.version() + " logical replication: publication and subscription (pgoutput)", f.snapshot(),
                    f.steady(), f.backlog(), f.nearMax(), new BenchResult.Ratios(
                            ratio(ferry.snapshotRowsPerS().median(), f.snapshot().rowsPerS()),
                            ratio(ferry.backlogEventsPerS().median(), f.backlog().eventsPerS()),
                            ratio(ferry.latencyP99Ms().median(), f.steady().latencyMs().p99())));
        } finally {
            from.drop();
            to.drop();
        }
    }

    /**
     * The phases against one contender, which is closed (stopped) afterwards, whatever happens: snapshot, steady at --rate,
     * backlog, steady again near the contender's maximum and, with {@code validationPort} (Ferry's status server), a validation.
     */
    private Phases phases(Contender contender, BenchSource source, BenchTarget target, String who, int validationPort) throws Exception {
        current = contender;
        try (contender; Connection from = track(source.connect()); BenchTarget.Reader reader = target.reader()) {
            TargetWatch watch = new TargetWatch(reader, contender);
            BenchResult.Snapshot snapshot = snapshot(watch, contender, who);
            LoadGenerator generator = new LoadGenerator(from, options.rows());
            BenchResult.Steady steady = steady(watch, generator, contender, target, options.rate(), "--rate");
            BenchResult.Backlog backlog = backlog(watch, generator, contender, who, new ServerCpu(source.serverPid(from)));
            List<BenchResult.Steady> nearMax = new ArrayList<>();
            for (int percent : NEAR_MAX_PERCENT) {
                int rate = (int) Math.max(1, Math.round(backlog.eventsPerS() * percent / 100.0));
                nearMax.add(steady(watch, generator, contender, target, rate,
                        String.format("%d %% of its backlog drain's %,d events/s", percent, backlog.eventsPerS())));
            }
            BenchResult.Validation validation = null;
            if (validationPort > 0) {
                say("validation: Ferry compares every source row with the target (POST /validate) ...");
                validation = FerryValidation.run(validationPort, options.timeout());
                say(String.format("validation: %,d rows in %.1f s, %s", validation.sourceRows(), validation.seconds(), validation.summary()));
            }
            return new Phases(snapshot, steady, backlog, nearMax, validation);
        } finally {
            current = null;
        }
    }

    private Connection track(Connection c) {
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
                BenchResult.Spread.of(mine.stream().map(r -> r.nearMax().get(0).latencyMs().p99()).toList()),
                BenchResult.Spread.of(mine.stream().map(r -> r.nearMax().get(1).latencyMs().p99()).toList()),
                BenchResult.Spread.of(mine.stream().filter(r -> r.validation() != null).map(r -> (double) r.validation().rowsPerS()).toList()),
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

    /** Starts the scenario's servers, and PostgreSQL for the peer and the floor. */
    private void prepareServers(Path dir) throws BenchAborted {
        List<Service> services = new ArrayList<>(options.scenario().services());
        if (!services.contains(Service.POSTGRES) && (options.peer() || options.floor())) {
            services.add(Service.POSTGRES);
        }
        String names = services.stream().map(Service::displayName).collect(Collectors.joining(" and "));
        say("starting " + names + " (devstack, data under " + dir.resolve("servers") + ") ...");
        try {
            devstack = Devstack.create(Provider.LOCAL, dir.resolve("servers"));
            devstack.ensure(services);
            pg = services.contains(Service.POSTGRES) ? devstack.postgres() : null;
        } catch (DevstackException e) {
            throw new BenchAborted(names + " did not start: " + e.getMessage(), e);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Phase 1: from the contender's start until the target has every row of the snapshot ({@link ExpectedNames}). */
    private BenchResult.Snapshot snapshot(TargetWatch watch, Contender contender, String who) throws Exception {
        double cpu = cpu(contender);
        long t0 = System.nanoTime();
        double start = contender.start();
        say(String.format("snapshot: %s started in %.1f s; waiting until the target has %,d rows ...", who, start, options.rows()));
        long[] lastSaid = {System.nanoTime()};
        ExpectedNames expected = ExpectedNames.snapshot(options.rows());
        long done = watch.await("the snapshot", options.timeout(), c -> {
            boolean all = expected.seenIn(c);
            if (System.nanoTime() - lastSaid[0] > 5_000_000_000L && !all) {
                lastSaid[0] = System.nanoTime();
                say(String.format("snapshot: %,d of %,d rows seen in the target", expected.seen(), options.rows()));
            }
            return all;
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

    /** Phase 2 (and the phases near the maximum): the load generator at a fixed rate, each transaction watched until it is visible. */
    private BenchResult.Steady steady(TargetWatch watch, LoadGenerator generator, Contender contender, BenchTarget target, int rate,
            String rateFrom) throws Exception {
        double cpu = cpu(contender);
        say(String.format("steady: %,d transactions/s (%s; single-row inserts and updates) for %d s after a %d s warm-up ...", rate,
                rateFrom, options.duration().toSeconds(), options.warmup().toSeconds()));
        try (BenchTarget.Reader probeReader = target.reader(); VisibilityProbe probe = new VisibilityProbe(probeReader)) {
            probe.start();
            LoadGenerator.SteadyRun run = generator.steady(rate, options.warmup(), options.duration(), probe);
            watch.await("the steady phase (its last transactions reaching the target)", options.timeout(), c -> probe.pendingCount() == 0);
            probe.close();
            LatencyRecorder.Summary l = probe.latencies().summary();
            say(String.format("steady: %,d transactions measured (%.1f/s achieved), latency p50 %.1f ms, p99 %.1f ms", l.count(),
                    run.achievedRate(), l.p50Ms(), l.p99Ms()));
            return new BenchResult.Steady(rate, round(run.achievedRate()), round(run.seconds()), options.warmup().toSeconds(),
                    run.transactions(), run.inserts(), run.updates(), l.percentiles(), VisibilityProbe.INTERVAL.toMillis(),
                    probe.gaps().summary().percentiles(), round(cpu(contender) - cpu), rateFrom);
        }
    }

    /** Phase 3: stop the contender, queue changes, start it again (Ferry: a new service on the same data directory), time the drain. */
    private BenchResult.Backlog backlog(TargetWatch watch, LoadGenerator generator, Contender contender, String who, ServerCpu server)
            throws Exception {
        double cpu = cpu(contender);
        say("backlog: stopping " + who + " ...");
        StopOutcome stopped = contender.stop();
        if (stopped.kind() == StopOutcome.Kind.HAD_EXITED) {
            // it died after the last phase's last look: its position may not be stored, so a drain would not be comparable
            throw new BenchAborted("backlog: " + who + " " + stopped.says() + "; see its log");
        }
        if (!stopped.clean()) {
            say("backlog: " + who + " " + stopped.says());
        }
        boolean clean = stopped.clean();
        AtomicReference<ExpectedNames> expected = new AtomicReference<>();
        try (DrainTimeline timeline = new DrainTimeline(() -> expected.get() == null ? 0 : expected.get().seen(),
                contender::cpuSeconds, server)) {
            LoadGenerator.BacklogRun b = generator.backlog(options.backlog(), options.backlogTransaction());
            say(String.format("backlog: %,d changes written in %.1f s while stopped; starting %s again ...", b.events(), b.seconds(), who));
            expected.set(ExpectedNames.of(b));
            long t0 = System.nanoTime();
            timeline.restarting();
            double start = contender.start();
            long done = watch.await("the backlog drain", options.timeout(), expected.get()::seenIn);
            double seconds = (done - t0) / 1e9;
            List<BenchResult.Second> points = timeline.finish();
            say(String.format("backlog: the target caught up %.1f s after the start; second by second (contender's and the source"
                    + " server's cores):", seconds));
            points.forEach(p -> say("  " + DrainTimeline.describe(p)));
            return new BenchResult.Backlog(b.events(), options.backlogTransaction(), b.insertTo() - b.insertFrom() + 1, b.updates(),
                    round(b.seconds()), round(seconds), Math.round(b.events() / seconds), round(start), round(cpu(contender) - cpu),
                    clean, points);
        }
    }

    private void say(String line) {
        out.println("[bench] " + line);
        out.flush();
    }

    static double round(double v) {
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
        if (devstack != null) {
            devstack.close();
        }
    }
}
