package io.ferry.app.service;

import java.util.function.Supplier;

/**
 * Runs a long job one at a time, each run shared by every caller that asked before it started: a caller that asks while
 * a run is under way waits for the next run (which begins after its call, so it sees everything up to it) together with
 * everyone else who asked meanwhile. Any number of concurrent asks costs at most the run under way and one more, not a
 * queue of runs (a cutover script that retries {@code POST /validate} after its own timeout no longer stacks full
 * validations behind each other). A run happens on the thread of the caller that starts it, and its result or failure
 * (the same exception object) goes to every caller of that round: a run cut short by that thread's interrupt (the
 * service stopping) fails them all.
 */
final class SharedRuns<T> {

    /** One run and everyone waiting for it. */
    private static final class Round<T> {
        private boolean finished;
        private T value;
        private RuntimeException failure;
        private Error error;
    }

    private final Supplier<T> job;
    /** The run not started yet that callers join; null when none asked since the last one started. Guarded by this. */
    private Round<T> pending;
    /** Whether a run is under way. Guarded by this. */
    private boolean running;

    SharedRuns(Supplier<T> job) {
        this.job = job;
    }

    /**
     * The result of a run that began after this call (shared with the other callers of that run).
     *
     * @throws IllegalStateException when interrupted while waiting for it
     */
    T get() {
        Round<T> round;
        synchronized (this) {
            round = pending != null ? pending : (pending = new Round<>());
            while (running && !round.finished) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the run under way to end", e);
                }
            }
            if (round.finished) {
                return result(round);
            }
            pending = null; // this round starts now: later callers wait for the next one
            running = true;
        }
        T value = null;
        RuntimeException failure = null;
        Error error = null;
        try {
            value = job.get();
        } catch (RuntimeException e) {
            failure = e;
        } catch (Error e) {
            error = e;
        } catch (Throwable t) {
            // a checked exception thrown without being declared: every caller of the round must still get an answer
            failure = new IllegalStateException(t.toString(), t);
        } finally {
            synchronized (this) {
                round.value = value;
                round.failure = failure;
                round.error = error;
                round.finished = true;
                running = false;
                notifyAll();
            }
        }
        synchronized (this) {
            return result(round);
        }
    }

    private T result(Round<T> round) {
        if (round.error != null) {
            throw round.error;
        }
        if (round.failure != null) {
            throw round.failure;
        }
        return round.value;
    }
}
