package io.ferry.transform.expr;

/** An expression refers to an unknown column or relation, or combines values of unsuitable types. */
public class ExpressionTypeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ExpressionTypeException(String message) {
        super(message);
    }
}
