package io.ferry.app.cli;

import io.ferry.app.demo.Demo;
import io.ferry.app.service.ScratchDirectory;
import io.ferry.core.ExitCode;
import io.ferry.core.config.Durations;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ferry demo}. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Runs a whole migration on this machine with nothing installed: PostgreSQL with the seeds' users, sessions and",
            "events, an embedded Kafka, PostgreSQL and MongoDB-protocol targets, a live writer; shows snapshot progress, lag,",
            "validation and the gate turning READY, then a drained cutover. Ctrl-C stops everything.",
            "Exit 0 when the cutover succeeded, 1 when the gate did not turn READY in time or validation found differences."})
final class DemoCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "ferry-demo",
            description = "Where the demo keeps everything; wiped at start (default: ./ferry-demo).")
    Path dataDir;

    @Option(names = "--users", defaultValue = "2000", description = "Sample users (3 sessions and 10 events each; default 2000).")
    int users;

    @Option(names = "--rate", defaultValue = "20", description = "Live transactions per second (default 20).")
    int rate;

    @Option(names = "--port", defaultValue = "7878", description = "Status page port; 0 picks a free one (default 7878).")
    int port;

    @Option(names = "--timeout", defaultValue = "10m", description = "Give up when the gate is not READY after this long (default 10m).")
    String timeout;

    @Option(names = "--keep-running", description = "After the cutover, keep everything running until Ctrl-C.")
    boolean keepRunning;

    @Override
    public Integer call() throws Exception {
        java.time.Duration wait;
        try {
            wait = Durations.parse(timeout);
        } catch (IllegalArgumentException e) {
            throw new Ferry.UsageProblem("--timeout " + timeout + ": " + e.getMessage());
        }
        if (port != 0) {
            // before anything starts (a running `ferry run` holds 7878): a taken port is the caller's to change, exit 2;
            // found when the status server was made, after the servers and the pipeline, it exited 3 with a stack trace
            try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
                probe.bind(new java.net.InetSocketAddress("127.0.0.1", port));
            } catch (java.io.IOException e) {
                throw new Ferry.UsageProblem("--port " + port + ": the status page cannot listen there (" + e.getMessage()
                        + "): give another port, or --port 0 for a free one");
            }
        }
        try {
            ScratchDirectory.prepare(dataDir.toAbsolutePath(), "demo");
        } catch (IllegalArgumentException e) {
            throw new Ferry.UsageProblem(e.getMessage());
        }
        Demo demo = new Demo(new Demo.Options(dataDir, users, rate, port, wait, keepRunning), spec.commandLine().getOut());
        Thread hook = new Thread(demo::close, "ferry-demo-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return demo.run() ? ExitCode.OK.code() : ExitCode.NOT_READY.code();
        } finally {
            demo.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down (Ctrl-C): the hook closes the demo, which is idempotent
            }
        }
    }
}
