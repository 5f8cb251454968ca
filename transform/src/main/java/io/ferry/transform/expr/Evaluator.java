package io.ferry.transform.expr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.ferry.core.event.Row;
import java.util.ArrayList;
import java.util.List;

/**
 * Evaluates a parsed expression for one row. Values are canonical JSON, except that exact decimals
 * are DecimalNodes until {@link Expression#evaluate} makes the result canonical. A helper's
 * {@link ValueException} becomes an {@link EvaluationException} naming the sub-expression it failed in.
 */
final class Evaluator {

    private final String text;
    private final Scope scope;
    /** Inside an aggregate: the relation being aggregated and its current row; otherwise null. */
    private final String boundRelation;
    private final Row boundRow;

    Evaluator(String text, Scope scope) {
        this(text, scope, null, null);
    }

    private Evaluator(String text, Scope scope, String boundRelation, Row boundRow) {
        this.text = text;
        this.scope = scope;
        this.boundRelation = boundRelation;
        this.boundRow = boundRow;
    }

    JsonNode eval(Node node) {
        try {
            JsonNode v = evalNode(node);
            return v == null ? NullNode.getInstance() : v;
        } catch (ValueException e) {
            throw new EvaluationException(e.getMessage() + " in " + node.span().in(text));
        }
    }

    private JsonNode evalNode(Node node) {
        if (node instanceof Node.Literal literal) {
            return literal.value();
        }
        if (node instanceof Node.Column column) {
            return scope.row().get(column.name());
        }
        if (node instanceof Node.Lookup lookup) {
            return lookup(lookup);
        }
        if (node instanceof Node.Not not) {
            Boolean b = truth(eval(not.operand()), not.operand());
            return b == null ? NullNode.getInstance() : Values.NODES.booleanNode(!b);
        }
        if (node instanceof Node.Negate negate) {
            JsonNode v = eval(negate.operand());
            return Values.isNull(v) ? v : Numbers.negate(v);
        }
        if (node instanceof Node.Binary binary) {
            return binary(binary);
        }
        if (node instanceof Node.IsNull isNull) {
            return Values.NODES.booleanNode(Values.isNull(eval(isNull.operand())) != isNull.negated());
        }
        if (node instanceof Node.Call call) {
            return call(call);
        }
        if (node instanceof Node.Aggregate aggregate) {
            return Aggregates.compute(aggregate, related(aggregate.relation()),
                    (arg, row) -> new Evaluator(text, scope, aggregate.relation(), row).eval(arg));
        }
        Node.JsonPath path = (Node.JsonPath) node;
        JsonNode document = JsonPaths.document(eval(path.target()));
        if (document == null) {
            return NullNode.getInstance();
        }
        JsonNode found = JsonPaths.navigate(document, path.steps());
        return path.text() ? JsonPaths.asText(found) : JsonPaths.asJsonText(found);
    }

    private JsonNode lookup(Node.Lookup lookup) {
        Row row;
        if (lookup.relation().equals(boundRelation)) {
            row = boundRow;
        } else {
            List<Row> rows = related(lookup.relation());
            row = rows.isEmpty() ? null : rows.get(0);
        }
        return row == null ? null : row.get(lookup.column());
    }

    private List<Row> related(String relation) {
        List<Row> rows = scope.related(relation);
        return rows == null ? List.of() : rows;
    }

    private JsonNode binary(Node.Binary binary) {
        Operator op = binary.op();
        if (op.group() == Operator.Group.LOGIC) {
            return logic(binary);
        }
        JsonNode left = eval(binary.left());
        JsonNode right = eval(binary.right());
        if (Values.isNull(left) || Values.isNull(right)) {
            return NullNode.getInstance();
        }
        switch (op.group()) {
            case CONCAT:
                return Values.NODES.textNode(Values.text(left) + Values.text(right));
            case ARITHMETIC:
                return Numbers.apply(op, left, right);
            default:
                boolean holds = op == Operator.EQ ? Values.equal(left, right)
                        : op == Operator.NE ? !Values.equal(left, right)
                        : op.holds(Values.compare(left, right));
                return Values.NODES.booleanNode(holds);
        }
    }

    /** Three-valued and/or; the right side is not evaluated when the left decides the result. */
    private JsonNode logic(Node.Binary binary) {
        boolean isAnd = binary.op() == Operator.AND;
        Boolean left = truth(eval(binary.left()), binary.left());
        if (left != null && left != isAnd) {
            return Values.NODES.booleanNode(left);
        }
        Boolean right = truth(eval(binary.right()), binary.right());
        if (right != null && right != isAnd) {
            return Values.NODES.booleanNode(right);
        }
        return left == null || right == null ? NullNode.getInstance() : Values.NODES.booleanNode(isAnd);
    }

    /** A boolean operand, or null for SQL NULL. */
    private Boolean truth(JsonNode v, Node where) {
        if (Values.isNull(v)) {
            return null;
        }
        if (!v.isBoolean()) {
            throw new EvaluationException("expected true or false, got " + Values.describe(v)
                    + " in " + where.span().in(text));
        }
        return v.booleanValue();
    }

    private JsonNode call(Node.Call call) {
        List<Node> args = call.args();
        switch (call.function()) {
            case COALESCE:
                for (Node arg : args) {
                    JsonNode v = eval(arg);
                    if (!Values.isNull(v)) {
                        return v;
                    }
                }
                return NullNode.getInstance();
            case IF:
                // Like SQL's CASE WHEN: a null condition takes the else branch.
                Boolean condition = truth(eval(args.get(0)), args.get(0));
                return eval(Boolean.TRUE.equals(condition) ? args.get(1) : args.get(2));
            default:
                List<JsonNode> values = new ArrayList<>(args.size());
                args.forEach(a -> values.add(eval(a)));
                return Functions.apply(call.function(), values, scope.sourceZone());
        }
    }
}
