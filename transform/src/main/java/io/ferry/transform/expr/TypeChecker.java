package io.ferry.transform.expr;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.core.types.CanonicalType;
import io.ferry.core.types.ColumnType;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Infers an expression's result type at config load, and rejects unknown columns and relations and
 * operands whose type can never work (e.g. {@code flag + 1} on a BOOLEAN). Values whose type allows
 * them but whose content does not (a STRING that is not a number) still fail per row.
 */
final class TypeChecker {

    /** A type, or the type of the literal {@code null}, which fits anywhere. */
    private record Typed(ColumnType type, boolean nullLiteral) {
        CanonicalType kind() {
            return type.kind();
        }
    }

    private static final Typed NULL = new Typed(ColumnType.of(CanonicalType.STRING), true);

    private static final Set<CanonicalType> INTEGERS =
            EnumSet.of(CanonicalType.INT16, CanonicalType.INT32, CanonicalType.INT64, CanonicalType.UINT64);
    private static final Set<CanonicalType> FLOATS = EnumSet.of(CanonicalType.FLOAT32, CanonicalType.FLOAT64);
    private static final Set<CanonicalType> NUMBERS = EnumSet.of(CanonicalType.INT16, CanonicalType.INT32,
            CanonicalType.INT64, CanonicalType.UINT64, CanonicalType.DECIMAL, CanonicalType.MONEY,
            CanonicalType.FLOAT32, CanonicalType.FLOAT64);
    private static final Set<CanonicalType> TEMPORALS =
            EnumSet.of(CanonicalType.TIMESTAMP, CanonicalType.TIMESTAMPTZ, CanonicalType.DATE, CanonicalType.STRING);
    private static final Set<CanonicalType> JSON_HOLDERS = EnumSet.of(CanonicalType.JSON, CanonicalType.STRING);

    private final String text;
    private final TypeScope scope;

    TypeChecker(String text, TypeScope scope) {
        this.text = text;
        this.scope = scope;
    }

    ColumnType check(Node root) {
        return type(root).type();
    }

    private Typed type(Node node) {
        if (node instanceof Node.Literal literal) {
            return literal(literal.value());
        }
        if (node instanceof Node.Column column) {
            return known(scope.column(null, column.name()), "unknown column '" + column.name() + "'");
        }
        if (node instanceof Node.Lookup lookup) {
            requireRelation(lookup.relation(), node);
            return known(scope.column(lookup.relation(), lookup.column()),
                    "unknown column '" + lookup.column() + "' in relation '" + lookup.relation() + "'");
        }
        if (node instanceof Node.Not not) {
            requireBoolean(type(not.operand()), "not", not.operand());
            return of(CanonicalType.BOOLEAN);
        }
        if (node instanceof Node.Negate negate) {
            Typed t = type(negate.operand());
            requireNumeric(t, "-", negate.operand(), node);
            return arithmeticResult(t, t);
        }
        if (node instanceof Node.Binary binary) {
            return binary(binary);
        }
        if (node instanceof Node.IsNull isNull) {
            type(isNull.operand());
            return of(CanonicalType.BOOLEAN);
        }
        if (node instanceof Node.Call call) {
            return call(call);
        }
        if (node instanceof Node.Aggregate aggregate) {
            return aggregate(aggregate);
        }
        Node.JsonPath path = (Node.JsonPath) node;
        requireIn(type(path.target()), JSON_HOLDERS, "a JSON value", path.target(), node);
        return of(path.text() ? CanonicalType.STRING : CanonicalType.JSON);
    }

    private static Typed literal(JsonNode v) {
        if (v.isNull()) {
            return NULL;
        }
        if (v.isIntegralNumber()) {
            return of(v.canConvertToLong() ? CanonicalType.INT64 : CanonicalType.DECIMAL);
        }
        if (v.isNumber()) {
            return of(CanonicalType.DECIMAL);
        }
        return of(v.isBoolean() ? CanonicalType.BOOLEAN : CanonicalType.STRING);
    }

    private Typed binary(Node.Binary binary) {
        Typed left = type(binary.left());
        Typed right = type(binary.right());
        String op = binary.op().symbol();
        switch (binary.op().group()) {
            case LOGIC:
                requireBoolean(left, op, binary.left());
                requireBoolean(right, op, binary.right());
                return of(CanonicalType.BOOLEAN);
            case CONCAT:
                return of(CanonicalType.STRING);
            case ARITHMETIC:
                requireNumeric(left, op, binary.left(), binary);
                requireNumeric(right, op, binary.right(), binary);
                return arithmeticResult(left, right);
            default:
                if (!comparable(left, right)) {
                    throw new ExpressionTypeException("cannot compare " + left.kind() + " (" + snippet(binary.left())
                            + ") with " + right.kind() + " (" + snippet(binary.right()) + ") in " + snippet(binary));
                }
                return of(CanonicalType.BOOLEAN);
        }
    }

    /** Numbers with numbers or numeric strings, booleans with booleans, arrays with arrays, other text with text. */
    private static boolean comparable(Typed a, Typed b) {
        if (a.nullLiteral() || b.nullLiteral()) {
            return true;
        }
        if (NUMBERS.contains(a.kind()) || NUMBERS.contains(b.kind())) {
            return numericLike(a.kind()) && numericLike(b.kind());
        }
        for (CanonicalType alone : List.of(CanonicalType.BOOLEAN, CanonicalType.ARRAY)) {
            if (a.kind() == alone || b.kind() == alone) {
                return a.kind() == b.kind();
            }
        }
        return true;
    }

    private static boolean numericLike(CanonicalType t) {
        return NUMBERS.contains(t) || t == CanonicalType.STRING;
    }

    private static Typed arithmeticResult(Typed a, Typed b) {
        if (FLOATS.contains(a.kind()) || FLOATS.contains(b.kind())) {
            return of(CanonicalType.FLOAT64);
        }
        return of(integral(a) && integral(b) ? CanonicalType.INT64 : CanonicalType.DECIMAL);
    }

    private static boolean integral(Typed t) {
        return t.nullLiteral() || INTEGERS.contains(t.kind());
    }

    private Typed call(Node.Call call) {
        List<Node> args = call.args();
        List<Typed> types = args.stream().map(this::type).toList();
        switch (call.function()) {
            case COALESCE:
                return firstNonNull(types);
            case IF:
                requireBoolean(types.get(0), "the condition of if", args.get(0));
                return firstNonNull(types.subList(1, 3));
            case LENGTH:
                return of(CanonicalType.INT64);
            case DATE:
                requireIn(types.get(0), TEMPORALS, "a timestamp, timestamptz or date", args.get(0), call);
                if (types.size() > 1) {
                    requireIn(types.get(1), EnumSet.of(CanonicalType.STRING), "a zone name", args.get(1), call);
                }
                return of(CanonicalType.DATE);
            case PARSE_JSON:
                requireIn(types.get(0), JSON_HOLDERS, "a JSON value", args.get(0), call);
                return of(CanonicalType.JSON);
            case UUID:
                return of(CanonicalType.UUID);
            default: // lower, upper, trim, concat, hash
                return of(CanonicalType.STRING);
        }
    }

    private Typed aggregate(Node.Aggregate aggregate) {
        if (aggregate.args().isEmpty() && !scope.hasRelation(aggregate.relation())
                && scope.column(null, aggregate.relation()) != null) {
            throw new ExpressionTypeException("'" + aggregate.relation() + "' is a column, not a relation, in "
                    + snippet(aggregate) + "; count needs a relation (count(rel)) or a relation's column (count(rel.col))");
        }
        requireRelation(aggregate.relation(), aggregate);
        List<Typed> types = aggregate.args().stream().map(this::type).toList();
        switch (aggregate.function()) {
            case COUNT:
                return of(CanonicalType.INT64);
            case SUM:
                Typed t = types.get(0);
                requireNumeric(t, "sum", aggregate.args().get(0), aggregate);
                if (integral(t)) {
                    return of(CanonicalType.INT64);
                }
                return of(FLOATS.contains(t.kind()) ? CanonicalType.FLOAT64 : CanonicalType.DECIMAL);
            default: // min, max, latest: the values themselves
                return types.get(0);
        }
    }

    private static Typed firstNonNull(List<Typed> types) {
        return types.stream().filter(t -> !t.nullLiteral()).findFirst().orElse(NULL);
    }

    private void requireRelation(String relation, Node where) {
        if (!scope.hasRelation(relation)) {
            throw new ExpressionTypeException("unknown relation '" + relation + "' in " + snippet(where));
        }
    }

    private void requireBoolean(Typed t, String what, Node operand) {
        if (!t.nullLiteral() && t.kind() != CanonicalType.BOOLEAN) {
            throw new ExpressionTypeException(what + " needs a BOOLEAN, got " + t.kind() + " (" + snippet(operand) + ")");
        }
    }

    private void requireNumeric(Typed t, String what, Node operand, Node where) {
        if (!t.nullLiteral() && !numericLike(t.kind())) {
            throw new ExpressionTypeException("'" + what + "' needs numbers, got " + t.kind() + " ("
                    + snippet(operand) + ") in " + snippet(where));
        }
    }

    private void requireIn(Typed t, Set<CanonicalType> allowed, String what, Node operand, Node where) {
        if (!t.nullLiteral() && !allowed.contains(t.kind())) {
            throw new ExpressionTypeException(snippet(where) + " needs " + what + ", got " + t.kind() + " ("
                    + snippet(operand) + ")");
        }
    }

    private static Typed known(ColumnType type, String message) {
        if (type == null) {
            throw new ExpressionTypeException(message);
        }
        return new Typed(type, false);
    }

    private static Typed of(CanonicalType kind) {
        return new Typed(ColumnType.of(kind), false);
    }

    private String snippet(Node node) {
        return node.span().in(text);
    }
}
