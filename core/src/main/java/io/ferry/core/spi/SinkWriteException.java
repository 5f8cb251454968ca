package io.ferry.core.spi;

import java.util.Map;
import java.util.TreeMap;

/**
 * A batch could not be written. Either the whole batch may succeed if tried again ({@link #retryable()}),
 * or some events can never be written ({@link #rejected()}: index in the batch → reason); the sink may
 * have written the others or not, so the runtime writes them again (writes are idempotent).
 */
public class SinkWriteException extends Exception {

    private static final long serialVersionUID = 1L;

    private final boolean retryable;
    private final transient Map<Integer, String> rejected;

    private SinkWriteException(String message, Throwable cause, boolean retryable, Map<Integer, String> rejected) {
        super(message, cause);
        this.retryable = retryable;
        this.rejected = Map.copyOf(rejected);
    }

    public static SinkWriteException transientFailure(String message, Throwable cause) {
        return new SinkWriteException(message, cause, true, Map.of());
    }

    /** @param reasons batch index → a short reason a person can act on */
    public static SinkWriteException rejected(Map<Integer, String> reasons, Throwable cause) {
        if (reasons.isEmpty()) {
            throw new IllegalArgumentException("a rejection names at least one event");
        }
        return new SinkWriteException(reasons.size() + " event(s) can never be written: " + new TreeMap<>(reasons), cause,
                false, reasons);
    }

    public boolean retryable() {
        return retryable;
    }

    public Map<Integer, String> rejected() {
        return rejected;
    }
}
