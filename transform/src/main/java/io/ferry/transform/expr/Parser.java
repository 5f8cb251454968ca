package io.ferry.transform.expr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Recursive-descent parser for the expression grammar, one method per precedence level (lowest
 * first): or, and, not, comparison / is null, ||, + -, * / %, unary minus, JSON access, primary.
 */
final class Parser {

    /** Words that cannot be bare column names (double-quote a column named like one). */
    private static final Set<String> KEYWORDS = Set.of("and", "or", "not", "is", "null", "true", "false");

    private final List<Token> tokens;
    private int next;

    private Parser(List<Token> tokens) {
        this.tokens = tokens;
    }

    static Node parse(String text) {
        Parser parser = new Parser(Lexer.tokenize(text));
        Node root = parser.or();
        Token t = parser.peek();
        if (t.kind() != Token.Kind.END) {
            throw error(t, "unexpected " + t.describe() + "; expected an operator or the end of the expression");
        }
        return root;
    }

    private Node or() {
        Node left = and();
        while (peek().isKeyword("or")) {
            advance();
            Node right = and();
            left = new Node.Binary(Operator.OR, left, right, left.span().to(right.span()));
        }
        return left;
    }

    private Node and() {
        Node left = not();
        while (peek().isKeyword("and")) {
            advance();
            Node right = not();
            left = new Node.Binary(Operator.AND, left, right, left.span().to(right.span()));
        }
        return left;
    }

    private Node not() {
        if (peek().isKeyword("not")) {
            Token t = advance();
            Node operand = not();
            return new Node.Not(operand, Span.of(t).to(operand.span()));
        }
        return comparison();
    }

    private Node comparison() {
        Node left = concat();
        Token t = peek();
        Operator op = t.kind() == Token.Kind.SYMBOL ? Operator.comparison(t.text()) : null;
        if (op != null) {
            advance();
            Node right = concat();
            return new Node.Binary(op, left, right, left.span().to(right.span()));
        }
        if (t.isKeyword("is")) {
            advance();
            boolean negated = peek().isKeyword("not");
            if (negated) {
                advance();
            }
            Token nullWord = advance();
            if (!nullWord.isKeyword("null")) {
                String after = negated ? "is not" : "is";
                throw error(nullWord, "expected 'null' after '" + after + "', found " + nullWord.describe());
            }
            return new Node.IsNull(left, negated, left.span().to(Span.of(nullWord)));
        }
        return left;
    }

    private Node concat() {
        Node left = additive();
        while (peek().is("||")) {
            advance();
            Node right = additive();
            left = new Node.Binary(Operator.CONCAT, left, right, left.span().to(right.span()));
        }
        return left;
    }

    private Node additive() {
        Node left = multiplicative();
        while (peek().is("+") || peek().is("-")) {
            Operator op = advance().is("+") ? Operator.ADD : Operator.SUB;
            Node right = multiplicative();
            left = new Node.Binary(op, left, right, left.span().to(right.span()));
        }
        return left;
    }

    private Node multiplicative() {
        Node left = unary();
        while (peek().is("*") || peek().is("/") || peek().is("%")) {
            Token t = advance();
            Operator op = t.is("*") ? Operator.MUL : t.is("/") ? Operator.DIV : Operator.MOD;
            Node right = unary();
            left = new Node.Binary(op, left, right, left.span().to(right.span()));
        }
        return left;
    }

    private Node unary() {
        if (peek().is("-")) {
            Token t = advance();
            Node operand = unary();
            Span span = Span.of(t).to(operand.span());
            // Fold -5 into a literal, so the most negative long is written as it reads.
            if (operand instanceof Node.Literal lit && lit.value().isNumber()) {
                return new Node.Literal(Numbers.negate(lit.value()), span);
            }
            return new Node.Negate(operand, span);
        }
        return postfix();
    }

    /** {@code ->} steps chain into one path; {@code ->>} ends a path, and a further step starts a new one on its text. */
    private Node postfix() {
        Node node = primary();
        while (peek().is("->") || peek().is("->>")) {
            Token arrow = advance();
            Object step = jsonStep(arrow);
            Span span = node.span().to(Span.of(tokens.get(next - 1)));
            boolean text = arrow.is("->>");
            if (node instanceof Node.JsonPath path && !path.text()) {
                List<Object> steps = new ArrayList<>(path.steps());
                steps.add(step);
                node = new Node.JsonPath(path.target(), steps, text, span);
            } else {
                node = new Node.JsonPath(node, List.of(step), text, span);
            }
        }
        return node;
    }

    private Object jsonStep(Token arrow) {
        Token t = advance();
        if (t.kind() == Token.Kind.STRING) {
            return t.text();
        }
        boolean negative = t.is("-");
        Token number = negative ? advance() : t;
        if (number.kind() == Token.Kind.INTEGER) {
            try {
                int index = Integer.parseInt(number.text());
                return negative ? -index : index;
            } catch (NumberFormatException e) {
                throw error(number, "array index " + number.text() + " is too large");
            }
        }
        throw error(t, "expected a string key or an integer index after '" + arrow.text() + "', found " + t.describe());
    }

    private Node primary() {
        Token t = advance();
        switch (t.kind()) {
            case INTEGER:
                return new Node.Literal(Values.integer(new BigInteger(t.text())), Span.of(t));
            case DECIMAL:
                return new Node.Literal(DecimalNode.valueOf(new BigDecimal(t.text())), Span.of(t));
            case STRING:
                return new Node.Literal(Values.NODES.textNode(t.text()), Span.of(t));
            case IDENT:
                return identifier(t);
            case QUOTED_IDENT:
                return name(t);
            default:
                if (t.is("(")) {
                    Node inner = or();
                    Token close = advance();
                    if (!close.is(")")) {
                        throw error(close, "expected ')' to close the '(' at " + (t.start() + 1)
                                + ", found " + close.describe());
                    }
                    return inner;
                }
                throw error(t, "expected an expression, found " + t.describe());
        }
    }

    private Node identifier(Token t) {
        String word = t.text().toLowerCase(java.util.Locale.ROOT);
        if (KEYWORDS.contains(word)) {
            JsonNode value = switch (word) {
                case "true" -> Values.NODES.booleanNode(true);
                case "false" -> Values.NODES.booleanNode(false);
                case "null" -> NullNode.getInstance();
                default -> throw error(t, "expected an expression, found " + t.describe());
            };
            return new Node.Literal(value, Span.of(t));
        }
        if (peek().is("(")) {
            return call(t);
        }
        return name(t);
    }

    /** A column, or {@code rel.col}. */
    private Node name(Token t) {
        if (!peek().is(".")) {
            return new Node.Column(t.text(), Span.of(t));
        }
        advance();
        Token column = advance();
        if (column.kind() != Token.Kind.IDENT && column.kind() != Token.Kind.QUOTED_IDENT) {
            throw error(column, "expected a column name after '" + t.text() + ".', found " + column.describe());
        }
        return new Node.Lookup(t.text(), column.text(), Span.of(t).to(Span.of(column)));
    }

    private Node call(Token nameToken) {
        Function function = Function.named(nameToken.text()).orElseThrow(() -> error(nameToken,
                "unknown function '" + nameToken.text() + "'; known functions: " + String.join(", ", Function.labels())));
        advance(); // (
        List<Node> args = new ArrayList<>();
        if (!peek().is(")")) {
            args.add(or());
            while (peek().is(",")) {
                advance();
                args.add(or());
            }
        }
        Token close = advance();
        if (!close.is(")")) {
            throw error(close, "expected ')' after the arguments of " + function.label() + ", found " + close.describe());
        }
        if (!function.accepts(args.size())) {
            throw error(nameToken, function.label() + " takes " + function.arity() + ", got " + args.size());
        }
        Span span = Span.of(nameToken).to(Span.of(close));
        if (function.aggregate()) {
            return Aggregates.build(function, args, span);
        }
        return switch (function) {
            case JSON_TEXT -> jsonText(args, span);
            case DATE -> date(args, span);
            default -> new Node.Call(function, args, span);
        };
    }

    private static Node jsonText(List<Node> args, Span span) {
        if (!(args.get(1) instanceof Node.Literal path && path.value().isTextual())) {
            throw error(args.get(1).span(), "the path of json_text must be a string literal like 'a.b[0].c'");
        }
        try {
            return new Node.JsonPath(args.get(0), JsonPaths.parsePath(path.value().textValue()), true, span);
        } catch (IllegalArgumentException e) {
            throw error(path.span(), e.getMessage());
        }
    }

    /** Checks a literal zone now, so a misspelt zone fails at config load rather than on every row. */
    private static Node date(List<Node> args, Span span) {
        if (args.size() == 2 && args.get(1) instanceof Node.Literal zone) {
            if (!zone.value().isTextual()) {
                throw error(zone.span(), "the zone of date must be a string like 'Europe/Paris' or 'UTC'");
            }
            try {
                java.time.ZoneId.of(zone.value().textValue());
            } catch (java.time.DateTimeException e) {
                throw error(zone.span(), "unknown time zone '" + zone.value().textValue() + "'");
            }
        }
        return new Node.Call(Function.DATE, args, span);
    }

    private Token peek() {
        return tokens.get(next);
    }

    private Token advance() {
        Token t = tokens.get(next);
        if (t.kind() != Token.Kind.END) {
            next++;
        }
        return t;
    }

    private static ExpressionSyntaxException error(Token t, String message) {
        return new ExpressionSyntaxException(t.start() + 1, message);
    }

    static ExpressionSyntaxException error(Span span, String message) {
        return new ExpressionSyntaxException(span.start() + 1, message);
    }
}
