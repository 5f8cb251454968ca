package io.ferry.capture.convert;

/** A column whose type Ferry cannot carry; the message names table, column and type. */
public class UnsupportedColumnException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public UnsupportedColumnException(String message) {
        super(message);
    }
}
