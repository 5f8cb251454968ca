package io.ferry.devstack.local;

import io.ferry.devstack.DevService;
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
    final void launch(List<String> command, java.nio.file.Path instanceDir, String stopSignal, Duration timeout, BooleanSupplier ready) {
        process = ServerProcess.start(name, command, instanceDir, stopSignal, Map.of());
        try {
            Waits.until(name + " on port " + port + " accepting connections", timeout, process, ready);
        } catch (RuntimeException e) {
            process.stop(Duration.ofSeconds(30));
            throw e;
        }
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
        process.stop(STOP_TIMEOUT);
        launch();
    }

    @Override
    public synchronized void close() {
        if (process != null) {
            process.stop(STOP_TIMEOUT);
        }
    }
}
