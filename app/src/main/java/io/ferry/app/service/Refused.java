package io.ferry.app.service;

/**
 * What this deployment cannot do however often it is asked: a role this process does not run, a drain on a read-only
 * source, a heartbeat sequence behind the ones applied. {@code /drain} and {@code /validate} answer it with 409, and the
 * command line exits 2 (a usage or configuration problem), where a failure that may pass (the source unreachable) is
 * 503 and exit 3: a cutover script that retries on 3 would retry a refusal for ever.
 */
public final class Refused extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public Refused(String message) {
        super(message);
    }
}
