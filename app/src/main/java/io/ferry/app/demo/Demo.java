package io.ferry.app.demo;

import io.ferry.app.service.FerryService;
import io.ferry.app.service.Role;
import io.ferry.app.service.ScratchDirectory;
import io.ferry.app.status.StatusServer;
import io.ferry.capture.SnapshotProgress;
import io.ferry.core.config.PipelineConfig;
import io.ferry.core.config.PipelineLoader;
import io.ferry.devstack.Devstack;
import io.ferry.devstack.MongoService;
import io.ferry.devstack.PostgresService;
import io.ferry.devstack.Provider;
import io.ferry.devstack.Service;
import io.ferry.validation.diff.ValidationReport;
import io.ferry.validation.gate.GateState;
import io.ferry.validation.lag.TableLag;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code ferry demo}: everything on this machine, nothing to install. devstack's PostgreSQL with the seeds'
 * tables and sample rows, the embedded Kafka, PostgreSQL and MongoDB-protocol targets, the whole pipeline
 * in this process, a live writer; it shows the snapshot, lag falling, validation and the gate turning
 * READY, then stops the writer and drains, as a cutover would.
 */
public final class Demo implements AutoCloseable {

    /** What the demo does; see {@code ferry demo --help}. */
    public record Options(Path dataDir, int users, int rate, int httpPort, Duration timeout, boolean keepRunning) {
    }

    private final Options options;
    private final PrintWriter out;
    private Devstack devstack;
    private FerryService service;
    private StatusServer http;
    private DemoSource source;
    private boolean closed;

    public Demo(Options options, PrintWriter out) {
        this.options = options;
        this.out = out;
    }

    /**
     * Runs the demo to its end, in a directory {@link ScratchDirectory#prepare prepared} for it; true when the
     * gate turned READY, the drain succeeded and the final validation matched.
     */
    public boolean run() throws Exception {
        Path dir = options.dataDir().toAbsolutePath();

        say("starting PostgreSQL and a MongoDB-protocol server (devstack, data under " + dir.resolve("servers") + ") ...");
        devstack = Devstack.create(Provider.LOCAL, dir.resolve("servers"));
        devstack.ensure(List.of(Service.POSTGRES, Service.MONGODB));
        PostgresService pg = devstack.postgres();
        MongoService mongo = devstack.mongodb();
        pg.createDatabase("demo_source");
        pg.createDatabase("demo_target");
        source = new DemoSource(() -> {
            try {
                return pg.connect("demo_source");
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        source.seed(options.users());
        Path file = dir.resolve(ScratchDirectory.PIPELINE_FILE);
        Files.writeString(file, DemoPipeline.yaml(dir, pg, mongo, options.httpPort()));
        PipelineConfig config = PipelineLoader.standard().load(file);
        say("pipeline file: " + file);

        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        service = new FerryService(config, EnumSet.allOf(Role.class), registry).start();
        http = new StatusServer(config.http(), service, registry, () -> service.gate().filter(g -> !g.ready())
                .map(g -> String.join("\n", g.reasons())).orElse(null)).start();
        say("status page: http://127.0.0.1:" + http.port() + "/   (also: bin/ferry status --url http://127.0.0.1:" + http.port() + ")");
        source.startWriting(options.rate());
        say("a live writer runs about " + options.rate() + " transactions a second against the source");

        long deadline = System.nanoTime() + options.timeout().toNanos();
        boolean validated = false;
        while (System.nanoTime() < deadline) {
            Thread.sleep(2000);
            progress();
            GateState gate = service.gate().orElseThrow();
            if (gate.ready()) {
                say("gate: READY");
                break;
            }
            if (!validated && gate.reasons().stream().allMatch(r -> r.startsWith("no validation") || r.contains("not yet the"))) {
                say("lag is low and stable: validating source against targets through the mappings ...");
                ValidationReport report = service.validate();
                out.print(report.text());
                validated = report.clean();
                if (!validated) {
                    say("validation found differences; validating again on the next round");
                }
            }
        }
        if (!service.gate().orElseThrow().ready()) {
            say("gate did not turn READY within " + options.timeout().toMinutes() + " min: " + service.gate().orElseThrow().reasons());
            return false;
        }
        say("cutover: stopping the writer (the application would stop writing to the source now) and draining ...");
        source.stopWriting();
        long heartbeat = service.drain(Duration.ofMinutes(2));
        say("drained: every sink applied heartbeat " + heartbeat + " (" + source.transactions() + " live transactions were written)");
        ValidationReport last = service.validate();
        out.print(last.text());
        say(last.clean() ? "final validation: every table matches; the targets can take over" : "final validation found differences");
        if (options.keepRunning()) {
            say("still running (Ctrl-C stops everything); status page: http://127.0.0.1:" + http.port() + "/");
            Thread.currentThread().join();
        }
        return last.clean();
    }

    private void progress() {
        List<SnapshotProgress.TableProgress> snapshot = service.snapshot();
        String snap = snapshot.stream().map(t -> t.table().name() + " " + (t.done() ? "done" : t.rowsDone() + "/" + Math.max(0, t.rowsEstimated())))
                .collect(Collectors.joining(", "));
        String lag = service.lag().orElseThrow().tables().stream()
                .map(l -> l.sink() + "/" + l.table() + " " + (l.known() ? String.format("%.1fs", l.lagMs() / 1000.0) : "?"))
                .collect(Collectors.joining(", "));
        GateState g = service.gate().orElseThrow();
        say(String.format("snapshot [%s]  lag [%s]  gate %s%s", snap, lag, g.state(),
                g.ready() || g.reasons().isEmpty() ? "" : " (" + g.reasons().get(0) + (g.reasons().size() > 1 ? ", +" + (g.reasons().size() - 1) : "") + ")"));
    }

    private void say(String line) {
        out.println("[demo] " + line);
        out.flush();
    }

    /** Stops the writer, the service, the status server and the servers, in that order. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (source != null) {
            source.stopWriting();
        }
        if (http != null) {
            http.close();
        }
        if (service != null) {
            service.close();
        }
        if (devstack != null) {
            devstack.close();
        }
    }
}
