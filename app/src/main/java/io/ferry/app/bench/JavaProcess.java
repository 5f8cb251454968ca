package io.ferry.app.bench;

import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A contender's JVM, started as a child of the benchmark so its CPU time and peak memory are its own (not the load
 * generator's, nor the other contender's); output appended to a log file. The figures survive restarts: each stop
 * adds the stopped JVM's CPU time and keeps the highest peak RSS.
 */
final class JavaProcess {

    private static final long STOP_SECONDS = 60;

    private final String name;
    private final String classpath;
    private final String mainClass;
    private final List<String> jvmOptions;
    private final List<String> args;
    private final Supplier<List<String>> startOptions;
    private final Path log;
    /** Volatile, as is {@link #cpuSecondsBefore}: {@link #cpuSeconds()} is read from a sampler's thread (DrainTimeline). */
    private volatile Process process;
    private long logOffset;
    private long startedAt;
    private volatile double cpuSecondsBefore;
    private double peakRssMib = -1;

    JavaProcess(String name, String classpath, String mainClass, List<String> jvmOptions, List<String> args, Path log) {
        this(name, classpath, mainClass, jvmOptions, List::of, args, log);
    }

    /** With {@code startOptions}: JVM options chosen anew at each start (Ferry's class archive appears after its first stop). */
    JavaProcess(String name, String classpath, String mainClass, List<String> jvmOptions, Supplier<List<String>> startOptions,
            List<String> args, Path log) {
        this.name = name;
        this.startOptions = startOptions;
        this.classpath = classpath;
        this.mainClass = mainClass;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.args = List.copyOf(args);
        this.log = log;
    }

    /** What it is, for messages ("the peer's Kafka broker"). */
    String name() {
        return name;
    }

    void start() throws BenchAborted {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.addAll(startOptions.get());
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(mainClass);
        cmd.addAll(args);
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            logOffset = Files.exists(log) ? Files.size(log) : 0;
            startedAt = System.nanoTime();
            process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        } catch (IOException e) {
            throw new BenchAborted(name + " did not start (" + mainClass + "): " + e.getMessage(), e);
        }
    }

    /**
     * Waits until the process's output since its start contains {@code line} (it says it is up) and returns the seconds since
     * the start.
     *
     * @throws BenchAborted when it exits first, or {@code timeout} passes
     */
    double awaitLine(String line, Duration timeout) throws BenchAborted, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int overlap = line.getBytes(StandardCharsets.UTF_8).length;
        long from = logOffset;
        while (true) {
            try {
                if (Files.exists(log)) {
                    try (SeekableByteChannel ch = Files.newByteChannel(log)) {
                        ch.position(from);
                        byte[] read = Channels.newInputStream(ch).readAllBytes();
                        if (new String(read, StandardCharsets.UTF_8).contains(line)) {
                            return (System.nanoTime() - startedAt) / 1e9;
                        }
                        // only what came since, plus enough of the end to catch the line written across two reads
                        from = Math.max(from, from + read.length - overlap);
                    }
                }
            } catch (IOException e) {
                throw new BenchAborted("cannot read " + log + ": " + e.getMessage(), e);
            }
            checkAlive();
            if (System.nanoTime() > deadline) {
                throw new BenchAborted(name + " did not say '" + line + "' within " + timeout.toSeconds() + " s; see " + log);
            }
            Thread.sleep(50);
        }
    }

    /** Fails when the process ended on its own: a contender that died cannot finish a phase. */
    void checkAlive() throws BenchAborted {
        if (process != null && !process.isAlive()) {
            throw new BenchAborted(name + " exited with code " + process.exitValue() + " in the middle of the benchmark; see " + log);
        }
    }

    /**
     * SIGTERM (a clean stop: offsets committed), SIGKILL after a minute; the process's figures are kept first.
     *
     * @return how it went: clean when SIGTERM ended it, and when no process was running (stopped before, or never
     *         started); not clean when it was killed, or had exited on its own since the last look
     */
    StopOutcome stop() {
        if (process == null) {
            return StopOutcome.CLEAN;
        }
        StopOutcome outcome = StopOutcome.CLEAN;
        if (!process.isAlive()) {
            outcome = StopOutcome.hadExited(process.exitValue());
        } else {
            sample();
            process.destroy();
            try {
                if (!process.waitFor(STOP_SECONDS, TimeUnit.SECONDS)) {
                    outcome = StopOutcome.killed(STOP_SECONDS);
                    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                outcome = StopOutcome.interrupted();
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        process = null;
        return outcome;
    }

    private void sample() {
        cpuSecondsBefore += liveCpuSeconds(process);
        peakRssMib = Math.max(peakRssMib, ProcessStats.peakRssMib(process.pid()));
    }

    private static double liveCpuSeconds(Process process) {
        return process.toHandle().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0);
    }

    /** CPU seconds of every JVM started so far, the running one included. */
    double cpuSeconds() {
        Process p = process;
        return cpuSecondsBefore + (p != null && p.isAlive() ? liveCpuSeconds(p) : 0);
    }

    /** The highest {@code VmHWM} of the JVMs started so far, in MiB; -1 where unknown. */
    double peakRssMib() {
        double live = process != null && process.isAlive() ? ProcessStats.peakRssMib(process.pid()) : -1;
        return Math.max(peakRssMib, live);
    }

    Path log() {
        return log;
    }
}
