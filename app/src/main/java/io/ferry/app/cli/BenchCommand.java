package io.ferry.app.cli;

import io.ferry.app.bench.Bench;
import io.ferry.app.bench.BenchAborted;
import io.ferry.app.service.ScratchDirectory;
import io.ferry.app.bench.BenchReport;
import io.ferry.app.bench.BenchResult;
import io.ferry.app.bench.BenchScenario;
import io.ferry.core.ExitCode;
import io.ferry.core.config.Durations;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ferry bench}. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmarks Ferry end to end on this machine. --scenario postgres-to-postgres",
            "(the default) compares it with Debezium's own pipeline: PostgreSQL ->",
            "PostgreSQL, same shape (one table of ~200-byte rows copied 1:1), on devstack's",
            "PostgreSQL;",
            "postgres-to-cassandra and mariadb-to-mongodb copy the same table into devstack's",
            "Cassandra or MongoDB-protocol server, Ferry alone (no peer, no floor).",
            "Ferry runs as `ferry run` in its own JVM (embedded Kafka, or --ferry-kafka",
            "external: a broker of its own, as the peer's); the peer is Kafka",
            "Connect standalone in its own JVM with Debezium's PostgreSQL source and JDBC",
            "sink connectors (upsert, batch.size 5000, use.reduction.buffer), against a",
            "broker the benchmark starts for it. They alternate, Ferry then the peer,",
            "--pairs times, each on fresh databases, through these phases:",
            "  1. snapshot: --rows rows; time from the contender's start until the target",
            "     has them all (row count polled every 200 ms), and rows/s;",
            "  2. steady: --rate single-row transactions a second (inserts and updates) for",
            "     --duration after --warmup; latency from each source commit returning until",
            "     its row is visible in the target (polled every 10 ms): p50/p95/p99/max;",
            "  3. backlog: the contender stopped (SIGTERM), --backlog changes queued, started",
            "     again; time until the target has them all, and events/s;",
            "  4. near max: phase 2 again at 50 %% and at 80 %% of that events/s;",
            "  5. Ferry only: one validation of every row (POST /validate), timed: rows/s.",
            "Also each contender JVM's CPU seconds and peak RSS (PostgreSQL not counted).",
            "Each figure as min / median / max per contender, and Ferry / peer per pair.",
            "Then the floor, once: the same phases through PostgreSQL's own logical",
            "replication (a publication and a subscription), and Ferry's medians as a",
            "fraction of it. --no-peer and --no-floor leave them out.",
            "The peer's classpath comes from the bench-peer module's build",
            "(bench-peer/target/peer.classpath, found beside Ferry's build; --peer-classpath).",
            "Prints a table and writes the figures as JSON to --out. Exit 0 when every phase",
            "completed and every validation matched; 1 when a validation found differences;",
            "3 when a server or a contender did not start, or a phase did not complete within",
            "--timeout."})
final class BenchCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--scenario", paramLabel = "NAME", defaultValue = "postgres-to-postgres",
            description = "postgres-to-postgres (default; with the peer and the floor), postgres-to-cassandra or mariadb-to-mongodb (Ferry alone).")
    String scenario;

    @Option(names = "--rows", paramLabel = "N", defaultValue = "1000000", description = "Rows in the source table before the snapshot (default 1,000,000).")
    long rows;

    @Option(names = "--rate", paramLabel = "N", defaultValue = "500", description = "Steady phase: transactions a second, each a single-row insert or update (default 500).")
    int rate;

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "60s", description = "Steady phase: how long latencies are measured (default 60s).")
    String duration;

    @Option(names = "--warmup", paramLabel = "DURATION", defaultValue = "5s", description = "Steady phase: load before measuring, not counted; 0s for none (default 5s).")
    String warmup;

    @Option(names = "--backlog", paramLabel = "N", defaultValue = "100000", description = "Backlog phase: changes written while the service is stopped (default 100,000).")
    int backlog;

    @Option(names = "--backlog-transaction", paramLabel = "N", defaultValue = "100",
            description = "Backlog phase: changes per source transaction (default 100).")
    int backlogTransaction;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10m", description = "Longest wait for each phase to complete in the target (default 10m).")
    String timeout;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "ferry-bench",
            description = "Servers' data, the pipeline file and Ferry's state; wiped at start (default: ./ferry-bench).")
    Path dataDir;

    @Option(names = "--out", paramLabel = "FILE", description = "The JSON report (default: <data-dir>/bench.json).")
    Path out;

    @Option(names = "--no-direct", description = "Run Ferry's mapping through the transform stage, not the direct path"
            + " (transform.direct), and leave the PostgreSQL source table's REPLICA IDENTITY at DEFAULT (the direct path needs FULL,"
            + " set for every contender by default).")
    boolean noDirect;

    @Option(names = "--no-floor", description = "Leave out the PostgreSQL logical-replication floor (measured by default).")
    boolean noFloor;

    @Option(names = "--no-peer", description = "Leave out the Kafka Connect peer (measured by default).")
    boolean noPeer;

    @Option(names = "--pairs", paramLabel = "N", defaultValue = "3", description = "Ferry and peer runs, alternating (default 3 pairs).")
    int pairs;

    @Option(names = "--peer-classpath", paramLabel = "FILE",
            description = "The peer's classpath file (default: bench-peer/target/peer.classpath beside Ferry's build).")
    Path peerClasspath;

    @Option(names = "--ferry-jvm-options", paramLabel = "OPTIONS", defaultValue = "",
            description = "JVM options of Ferry's process, space-separated, e.g. -Xmx768m (default: none, the JVM's defaults).")
    String ferryJvmOptions;

    @Option(names = "--ferry-kafka", paramLabel = "WHERE", defaultValue = "embedded",
            description = "embedded (default): Ferry's own Kafka in its JVM, restarted with it; external: a broker in a JVM of its own,"
                    + " started before the phases and up while Ferry restarts, as the peer's (kafka.bootstrap_servers); its CPU and RSS"
                    + " are added to Ferry's.")
    String ferryKafka;

    @Override
    public Integer call() throws Exception {
        Bench.Options options = options();
        try {
            ScratchDirectory.prepare(dataDir.toAbsolutePath(), "benchmark");
        } catch (IllegalArgumentException e) {
            throw new Ferry.UsageProblem(e.getMessage());
        }
        PrintWriter stdout = spec.commandLine().getOut();
        Bench bench = new Bench(options, stdout);
        Thread hook = new Thread(bench::close, "ferry-bench-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            BenchResult result = bench.run();
            Path json = out != null ? out : dataDir.resolve("bench.json");
            BenchReport.writeJson(result, json);
            stdout.println();
            stdout.print(BenchReport.table(result));
            stdout.println("JSON: " + json.toAbsolutePath());
            stdout.flush();
            boolean differences = result.runs().stream().anyMatch(r -> r.validation() != null && !r.validation().clean());
            if (differences) {
                spec.commandLine().getErr().println("ferry bench: a validation found differences between source and target (see the table)");
            }
            return differences ? ExitCode.NOT_READY.code() : ExitCode.OK.code();
        } catch (BenchAborted e) {
            spec.commandLine().getErr().println("ferry bench: " + e.getMessage());
            return ExitCode.UNKNOWN.code();
        } finally {
            bench.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down (Ctrl-C): the hook closes the benchmark, which is idempotent
            }
        }
    }

    private Bench.Options options() {
        if (rows < 1000 || rate < 1 || rate > 100_000 || backlog < 2 || backlogTransaction < 1 || pairs < 1 || pairs > 20) {
            throw new Ferry.UsageProblem("--rows must be at least 1000, --rate between 1 and 100000, --backlog at least 2,"
                    + " --backlog-transaction at least 1, --pairs between 1 and 20");
        }
        if (!ferryKafka.equals("embedded") && !ferryKafka.equals("external")) {
            throw new Ferry.UsageProblem("--ferry-kafka: '" + ferryKafka + "' is neither embedded nor external");
        }
        BenchScenario chosen;
        try {
            chosen = BenchScenario.of(scenario);
        } catch (IllegalArgumentException e) {
            throw new Ferry.UsageProblem("--scenario: " + e.getMessage());
        }
        if (!chosen.comparable() && (!noPeer || !noFloor)) {
            spec.commandLine().getOut().println("[bench] " + chosen.id() + ": Ferry alone (the peer and the floor copy PostgreSQL into"
                    + " PostgreSQL only); --pairs " + pairs + " runs of Ferry");
        }
        try {
            Duration warm = warmup.trim().matches("0+\\s*(ms|s|m|h)?") ? Duration.ZERO : Durations.parse(warmup);
            String command = "ferry " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
            return new Bench.Options(chosen, dataDir, rows, rate, Durations.parse(duration), warm, backlog, backlogTransaction, Durations.parse(timeout),
                    command, chosen.comparable() && !noFloor, chosen.comparable() && !noPeer, pairs, peerClasspath,
                    ferryJvmOptions.isBlank() ? List.of() : List.of(ferryJvmOptions.trim().split("\\s+")), !noDirect,
                    ferryKafka.equals("external"));
        } catch (IllegalArgumentException e) {
            throw new Ferry.UsageProblem(e.getMessage());
        }
    }
}
