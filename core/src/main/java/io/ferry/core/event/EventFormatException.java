package io.ferry.core.event;

/** A record on a Ferry topic is not in the documented format; the message names the field. */
public class EventFormatException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public EventFormatException(String message) {
        super(message);
    }

    public EventFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
