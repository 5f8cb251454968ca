package io.ferry.app.bench;

/** The benchmark could not finish: a server did not start or a phase did not complete in time (exit 3). */
public final class BenchAborted extends Exception {

    private static final long serialVersionUID = 1L;

    BenchAborted(String message) {
        super(message);
    }

    BenchAborted(String message, Throwable cause) {
        super(message, cause);
    }
}
