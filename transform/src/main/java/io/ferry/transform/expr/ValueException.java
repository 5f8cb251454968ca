package io.ferry.transform.expr;

/**
 * A value-level failure raised by the helpers (numbers, JSON, time). The evaluator turns it into an
 * {@link EvaluationException} that also names the sub-expression, which the helpers do not know.
 */
final class ValueException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    ValueException(String message) {
        // No stack trace: these are expected per-row data problems and are always rethrown with context.
        super(message, null, false, false);
    }
}
