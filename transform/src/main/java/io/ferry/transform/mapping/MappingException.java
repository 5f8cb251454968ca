package io.ferry.transform.mapping;

/**
 * A row that its mapping cannot turn into a target row (a value that does not convert, a null key); the
 * topology sends the source event to the dead-letter topic with this message and goes on.
 */
public class MappingException extends RuntimeException {

    public MappingException(String message, Throwable cause) {
        super(message, cause);
    }

    public MappingException(String message) {
        super(message);
    }
}
