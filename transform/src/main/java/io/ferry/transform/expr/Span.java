package io.ferry.transform.expr;

/** Where a node's text lies in the expression (0-based, end exclusive), for error messages. */
record Span(int start, int end) {

    static Span of(Token token) {
        return new Span(token.start(), token.end());
    }

    /** From the start of this span to the end of another. */
    Span to(Span other) {
        return new Span(start, other.end);
    }

    String in(String text) {
        return text.substring(start, end);
    }
}
