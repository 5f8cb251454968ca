package io.ferry.capture;

import java.util.List;

/** Capture cannot start or go on; the message names the setting or object to fix and how. */
public class CaptureException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient List<String> problems;

    public CaptureException(String message) {
        this(List.of(message), null);
    }

    public CaptureException(String message, Throwable cause) {
        this(List.of(message), cause);
    }

    public CaptureException(List<String> problems, Throwable cause) {
        super(problems.size() == 1 ? problems.get(0)
                : problems.size() + " problems with the source:\n  " + String.join("\n  ", problems), cause);
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
