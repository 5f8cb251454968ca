package io.ferry.devstack.local;

import io.ferry.devstack.DevstackException;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition until it holds, the server behind it died, or a generous deadline passed. */
final class Waits {

    private Waits() {
    }

    static void until(String what, Duration timeout, ServerProcess process, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = 20;
        while (!condition.getAsBoolean()) {
            if (process != null && !process.isAlive()) {
                throw new DevstackException(what + ": the server exited with code " + process.exitCode()
                        + "; last lines of " + process.logFile() + ":\n" + process.tail(30));
            }
            if (System.nanoTime() > deadline) {
                throw new DevstackException(what + ": not done after " + timeout.toSeconds() + " s"
                        + (process == null ? "" : "; last lines of " + process.logFile() + ":\n" + process.tail(30)));
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DevstackException(what + ": interrupted");
            }
            pause = Math.min(pause * 2, 250);
        }
    }
}
