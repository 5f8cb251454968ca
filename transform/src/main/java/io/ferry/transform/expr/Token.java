package io.ferry.transform.expr;

/**
 * One lexical token: its kind, its text (the decoded value for strings and quoted identifiers) and
 * where it starts and ends in the expression (0-based, end exclusive).
 */
record Token(Kind kind, String text, int start, int end) {

    enum Kind {
        INTEGER, DECIMAL, STRING, IDENT, QUOTED_IDENT, SYMBOL, END
    }

    /** Whether this is the given punctuation or operator. */
    boolean is(String symbol) {
        return kind == Kind.SYMBOL && text.equals(symbol);
    }

    /** Whether this is the given keyword; keywords are case-insensitive and never double-quoted. */
    boolean isKeyword(String keyword) {
        return kind == Kind.IDENT && text.equalsIgnoreCase(keyword);
    }

    /** How the token is named in error messages. */
    String describe() {
        return switch (kind) {
            case END -> "the end of the expression";
            case STRING -> "'" + text.replace("'", "''") + "'";
            case QUOTED_IDENT -> "\"" + text.replace("\"", "\"\"") + "\"";
            default -> "'" + text + "'";
        };
    }
}
