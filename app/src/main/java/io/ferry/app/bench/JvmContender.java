package io.ferry.app.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A contender that is one JVM of its own (Ferry, the peer): started until it says it is up, stopped with SIGTERM. */
abstract class JvmContender implements Contender {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

    private final JavaProcess process;
    private final String readyLine;
    private final String note;
    private final List<JavaProcess> companions = new ArrayList<>();

    JvmContender(JavaProcess process, String readyLine, String note) {
        this.process = process;
        this.readyLine = readyLine;
        this.note = note;
    }

    /**
     * Adds a JVM that runs beside the contender's for the whole run (the peer's broker): its CPU seconds and its peak RSS
     * are added to the contender's, it is watched with it, and {@link #close()} stops it.
     */
    final void companion(JavaProcess process) {
        companions.add(process);
    }

    /** Anything to do before each start (files to write). */
    void beforeStart() throws BenchAborted {
    }

    @Override
    public final double start() throws BenchAborted {
        beforeStart();
        process.start();
        try {
            return process.awaitLine(readyLine, START_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchAborted("interrupted while waiting for '" + readyLine + "'", e);
        }
    }

    @Override
    public final StopOutcome stop() throws BenchAborted {
        StopOutcome outcome = process.stop();
        try {
            afterStop();
        } catch (BenchAborted e) {
            throw outcome.clean() ? e : new BenchAborted(process.name() + " " + outcome.says() + "; then " + e.getMessage(), e);
        }
        return outcome;
    }

    /** Anything to wait for once the JVM is gone, before the next start (what a killed JVM left behind). */
    void afterStop() throws BenchAborted {
    }

    @Override
    public final void checkAlive() throws BenchAborted {
        process.checkAlive();
        for (JavaProcess c : companions) {
            c.checkAlive();
        }
    }

    @Override
    public final BenchResult.ProcessUse process() {
        double rss = process.peakRssMib();
        for (JavaProcess c : companions) {
            rss += Math.max(0, c.peakRssMib());
        }
        return new BenchResult.ProcessUse(Math.round(cpuSeconds() * 10) / 10.0, rss, note, process.log().toString());
    }

    @Override
    public final double cpuSeconds() {
        double cpu = process.cpuSeconds();
        for (JavaProcess c : companions) {
            cpu += c.cpuSeconds();
        }
        return cpu;
    }

    @Override
    public final void close() {
        process.stop();
        for (JavaProcess c : companions) {
            c.stop();
        }
    }
}
