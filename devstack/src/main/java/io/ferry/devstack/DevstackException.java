package io.ferry.devstack;

/** A server could not be prepared, started, reached or stopped; the message says which and why. */
public class DevstackException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public DevstackException(String message) {
        super(message);
    }

    public DevstackException(String message, Throwable cause) {
        super(message, cause);
    }
}
