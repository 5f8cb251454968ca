package io.ferry.transform.expr;

import java.util.ArrayList;
import java.util.List;

/** Splits expression text into tokens; reports bad characters and unterminated quotes with positions. */
final class Lexer {

    /** Longest first, so "->>" is not read as "->" then ">". */
    private static final String[] SYMBOLS = {
        "->>", "->", "==", "!=", "<>", "<=", ">=", "||",
        "=", "<", ">", "+", "-", "*", "/", "%", "(", ")", ",", "."
    };

    private final String text;
    private int pos;

    private Lexer(String text) {
        this.text = text;
    }

    static List<Token> tokenize(String text) {
        Lexer lexer = new Lexer(text);
        List<Token> tokens = new ArrayList<>();
        Token t;
        do {
            t = lexer.next();
            tokens.add(t);
        } while (t.kind() != Token.Kind.END);
        return tokens;
    }

    private Token next() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
        if (pos >= text.length()) {
            return new Token(Token.Kind.END, "", pos, pos);
        }
        char c = text.charAt(pos);
        if (isIdentStart(c)) {
            return identifier();
        }
        if (c >= '0' && c <= '9') {
            return number();
        }
        if (c == '\'') {
            return quoted('\'', Token.Kind.STRING, "string");
        }
        if (c == '"') {
            return quoted('"', Token.Kind.QUOTED_IDENT, "quoted name");
        }
        for (String symbol : SYMBOLS) {
            if (text.startsWith(symbol, pos)) {
                int start = pos;
                pos += symbol.length();
                return new Token(Token.Kind.SYMBOL, symbol, start, pos);
            }
        }
        throw new ExpressionSyntaxException(pos + 1, "unexpected character '" + c + "'");
    }

    private static boolean isIdentStart(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
    }

    private static boolean isIdentPart(char c) {
        return isIdentStart(c) || (c >= '0' && c <= '9');
    }

    private Token identifier() {
        int start = pos;
        while (pos < text.length() && isIdentPart(text.charAt(pos))) {
            pos++;
        }
        return new Token(Token.Kind.IDENT, text.substring(start, pos), start, pos);
    }

    private Token number() {
        int start = pos;
        skipDigits();
        Token.Kind kind = Token.Kind.INTEGER;
        // A '.' is part of the number only when a digit follows, so "1." is reported rather than guessed.
        if (pos < text.length() && text.charAt(pos) == '.') {
            if (pos + 1 >= text.length() || !Character.isDigit(text.charAt(pos + 1))) {
                throw new ExpressionSyntaxException(pos + 2, "expected digits after the decimal point");
            }
            pos++;
            skipDigits();
            kind = Token.Kind.DECIMAL;
        }
        if (pos < text.length() && isIdentPart(text.charAt(pos))) {
            throw new ExpressionSyntaxException(pos + 1, "unexpected '" + text.charAt(pos) + "' after a number");
        }
        return new Token(kind, text.substring(start, pos), start, pos);
    }

    private void skipDigits() {
        while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
            pos++;
        }
    }

    /** A quoted string or name; a doubled quote stands for one quote character. */
    private Token quoted(char quote, Token.Kind kind, String what) {
        int start = pos;
        StringBuilder value = new StringBuilder();
        pos++;
        while (true) {
            if (pos >= text.length()) {
                throw new ExpressionSyntaxException(start + 1, "unterminated " + what + " (missing closing " + quote + ")");
            }
            char c = text.charAt(pos++);
            if (c == quote) {
                if (pos < text.length() && text.charAt(pos) == quote) {
                    value.append(quote);
                    pos++;
                } else {
                    break;
                }
            } else {
                value.append(c);
            }
        }
        if (kind == Token.Kind.QUOTED_IDENT && value.length() == 0) {
            throw new ExpressionSyntaxException(start + 1, "a quoted name must not be empty");
        }
        return new Token(kind, value.toString(), start, pos);
    }
}
