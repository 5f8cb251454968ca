package io.ferry.devstack.local;

import io.ferry.devstack.DevService;
import io.ferry.devstack.DevstackException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** A server running as a child process on a loopback port: start under the watchdog, await readiness, restart, stop. */
abstract class ChildProcessServer implements DevService {

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private final String name;
    private final int port;
    private volatile ServerProcess process;

    ChildProcessServer(String name, int port) {
        this.name = name;
        this.port = port;
    }

    /** Starts the server (again) and returns once it accepts clients. */
    abstract void launch();

    /**
     * Starts {@code command} under the watchdog and waits until {@code ready}; a server that does not get
     * ready is stopped, so it never holds its port after a failed start.
     */
    final void launch(List<String> command, Path instanceDir, String stopSignal, Duration timeout, BooleanSupplier ready) {
        process = ServerProcess.start(name, command, instanceDir, stopSignal, Map.of());
        try {
            Waits.until(name + " on port " + port + " accepting connections", timeout, process, ready);
        } catch (RuntimeException e) {
            process.stop(Duration.ofSeconds(30));
            process = null; // stopped here, not dead on its own: close() has nothing to report
            throw e;
        }
    }

    /** The running process, or null before the first launch and after close. */
    ServerProcess process() {
        return process;
    }

    /** Logs the server writes itself, beside its standard output (which the watchdog keeps). */
    List<Path> ownLogs() {
        return List.of();
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public synchronized void restart() {
        if (process != null) {
            process.stop(STOP_TIMEOUT);
        }
        launch();
    }

    /**
     * Stops the server; one that had already exited on its own is reported (exit code and its log's last
     * lines), since a test that failed to reach it needs to know why.
     */
    @Override
    public synchronized void close() {
        if (process == null) {
            return;
        }
        ServerProcess stopping = process;
        process = null;
        if (!stopping.isAlive()) {
            StringBuilder report = new StringBuilder(name + " had exited on its own with code " + stopping.exitCode()
                    + " before devstack stopped it; last lines of " + stopping.logFile() + ":\n" + stopping.tail(40));
            for (Path log : ownLogs()) {
                report.append("\nlast lines of ").append(log).append(":\n").append(ServerProcess.tail(log, 40));
            }
            throw new DevstackException(report.toString());
        }
        stopping.stop(STOP_TIMEOUT);
    }
}
