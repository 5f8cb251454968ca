package io.ferry.transform.expr;

/** An expression's text does not parse; the message starts with the 1-based character position. */
public class ExpressionSyntaxException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int position;

    /** @param position 1-based character position in the expression text */
    public ExpressionSyntaxException(int position, String message) {
        super("at " + position + ": " + message);
        this.position = position;
    }

    /** The 1-based character position the problem was found at. */
    public int position() {
        return position;
    }
}
