package io.ferry.app.cli;

import io.ferry.app.service.FerryService;
import io.ferry.app.service.Role;
import io.ferry.app.status.StatusServer;
import io.ferry.core.config.ConfigPrinter;
import io.ferry.core.config.PipelineConfig;
import io.ferry.core.config.PipelineLoader;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ferry run}: the long-running service. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs the pipeline as a long-running service until SIGTERM or Ctrl-C.",
            "Processes started with the same pipeline name share the work through Kafka; capture runs in one of them at a time."})
final class RunCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "The pipeline file.")
    Path config;

    @Option(names = "--roles", paramLabel = "LIST", defaultValue = "capture,transform,sink,validate",
            description = "What this process does: a comma-separated subset of capture,transform,sink,validate (default: all).")
    String roles;

    @Override
    public Integer call() throws Exception {
        Set<Role> chosen;
        try {
            chosen = Role.parse(roles);
        } catch (IllegalArgumentException e) {
            throw new Ferry.UsageProblem(e.getMessage());
        }
        PipelineConfig pipeline = PipelineLoader.standard().load(config);
        if (pipeline.kafka().embedded() && chosen.size() < Role.values().length) {
            throw new Ferry.UsageProblem("--roles " + roles + " needs a shared Kafka: set kafka.bootstrap_servers in " + config
                    + " (the embedded Kafka serves only its own process)");
        }
        log.info("effective configuration (secrets masked):\n{}", ConfigPrinter.print(pipeline));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        CountDownLatch stopped = new CountDownLatch(1);
        long started = System.nanoTime();
        FerryService service = new FerryService(pipeline, chosen, registry);
        // bound before anything starts: a port in use is a configuration problem, found before capture begins
        StatusServer server;
        try {
            server = pipeline.http().enabled() ? new StatusServer(pipeline.http(), service, registry, () -> Readiness.reasons(service)) : null;
        } catch (IllegalStateException e) {
            throw new Ferry.UsageProblem(e.getMessage());
        }
        AtomicReference<StatusServer> http = new AtomicReference<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("stopping: finishing the batches in hand");
            long t0 = System.nanoTime();
            if (http.get() != null) {
                http.get().close();
            }
            service.close();
            log.info("stopped in {} ms", (System.nanoTime() - t0) / 1_000_000);
            ClassArchive.writeIfAsked(java.time.Duration.ofNanos(System.nanoTime() - started));
            stopped.countDown();
        }, "ferry-shutdown"));
        service.start();
        if (server != null) {
            http.set(server.start());
        }
        stopped.await();
        return 0;
    }
}
