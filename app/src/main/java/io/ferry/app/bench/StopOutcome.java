package io.ferry.app.bench;

/**
 * How a contender's stop went: only {@link Kind#CLEAN} means it ended as asked (SIGTERM, its offsets committed);
 * {@link #says()} is the sentence the benchmark prints for anything else.
 */
record StopOutcome(Kind kind, String says) {

    enum Kind {
        /** It ended on SIGTERM (or was asked some other way that needs no process, the floor). */
        CLEAN,
        /** It did not end within a minute of SIGTERM and was killed. */
        KILLED,
        /** The benchmark was interrupted while it waited, and killed it. */
        INTERRUPTED,
        /** It had already exited on its own before the stop. */
        HAD_EXITED
    }

    static final StopOutcome CLEAN = new StopOutcome(Kind.CLEAN, "stopped on SIGTERM");

    static StopOutcome killed(long seconds) {
        return new StopOutcome(Kind.KILLED, "did not stop within " + seconds + " s of SIGTERM and was killed");
    }

    static StopOutcome interrupted() {
        return new StopOutcome(Kind.INTERRUPTED, "was killed: the benchmark was interrupted while it stopped");
    }

    static StopOutcome hadExited(int exitCode) {
        return new StopOutcome(Kind.HAD_EXITED, "had already exited with code " + exitCode + " before it was stopped");
    }

    boolean clean() {
        return kind == Kind.CLEAN;
    }
}
