package io.ferry.app.bench;

import io.ferry.app.cli.Ferry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Ferry as an operator runs it: {@code ferry run --config FILE} in its own JVM (every role, the embedded Kafka in it), so
 * its CPU time and peak RSS are its own. Stopping is SIGTERM (the service closes cleanly); starting again runs a new JVM
 * on the same data directory.
 */
final class FerryContender implements Contender {

    static final String NOTE = "Ferry's JVM (`ferry run`, every role, its embedded Kafka included)";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

    private final JavaProcess process;
    private final String readyLine;

    FerryContender(String pipelineName, Path pipelineFile, List<String> jvmOptions, Path log) {
        this.process = new JavaProcess("ferry run", System.getProperty("java.class.path"), Ferry.class.getName(), jvmOptions,
                List.of("run", "--config", pipelineFile.toString()), log);
        this.readyLine = "pipeline " + pipelineName + " running";
    }

    @Override
    public double start() throws BenchAborted {
        process.start();
        try {
            return process.awaitLine(readyLine, START_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchAborted("interrupted while Ferry started", e);
        }
    }

    @Override
    public void stop() {
        process.stop();
    }

    @Override
    public void checkAlive() throws BenchAborted {
        process.checkAlive();
    }

    @Override
    public BenchResult.ProcessUse process() {
        return new BenchResult.ProcessUse(Math.round(process.cpuSeconds() * 10) / 10.0, process.peakRssMib(), NOTE + "; log " + process.log());
    }

    @Override
    public void close() {
        process.stop();
    }
}
