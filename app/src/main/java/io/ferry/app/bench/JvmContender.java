package io.ferry.app.bench;

import java.time.Duration;

/** A contender that is one JVM of its own (Ferry, the peer): started until it says it is up, stopped with SIGTERM. */
abstract class JvmContender implements Contender {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

    private final JavaProcess process;
    private final String readyLine;
    private final String note;

    JvmContender(JavaProcess process, String readyLine, String note) {
        this.process = process;
        this.readyLine = readyLine;
        this.note = note;
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
    public final void stop() {
        process.stop();
    }

    @Override
    public final void checkAlive() throws BenchAborted {
        process.checkAlive();
    }

    @Override
    public final BenchResult.ProcessUse process() {
        return new BenchResult.ProcessUse(Math.round(process.cpuSeconds() * 10) / 10.0, process.peakRssMib(), note + "; log " + process.log());
    }

    @Override
    public final void close() {
        process.stop();
    }
}
