package io.ferry.transform.expr;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** The parsed form of an expression: an immutable tree the evaluator and the type checker walk. */
sealed interface Node {

    /** Where the node's text is, for error messages. */
    Span span();

    /** The direct sub-expressions, for walks that collect references. */
    List<Node> children();

    /** A constant: integer, exact decimal (a DecimalNode while evaluating), string, boolean or null. */
    record Literal(JsonNode value, Span span) implements Node {
        public List<Node> children() {
            return List.of();
        }
    }

    /** A column of the row being mapped. */
    record Column(String name, Span span) implements Node {
        public List<Node> children() {
            return List.of();
        }
    }

    /** {@code rel.col}: the first related row's column, or the current row inside an aggregate over rel. */
    record Lookup(String relation, String column, Span span) implements Node {
        public List<Node> children() {
            return List.of();
        }
    }

    record Not(Node operand, Span span) implements Node {
        public List<Node> children() {
            return List.of(operand);
        }
    }

    record Negate(Node operand, Span span) implements Node {
        public List<Node> children() {
            return List.of(operand);
        }
    }

    record Binary(Operator op, Node left, Node right, Span span) implements Node {
        public List<Node> children() {
            return List.of(left, right);
        }
    }

    record IsNull(Node operand, boolean negated, Span span) implements Node {
        public List<Node> children() {
            return List.of(operand);
        }
    }

    /** A scalar function call (not an aggregate, not json_text, which parse to their own nodes). */
    record Call(Function function, List<Node> args, Span span) implements Node {
        public Call {
            args = List.copyOf(args);
        }

        public List<Node> children() {
            return args;
        }
    }

    /**
     * An aggregate over the rows of one relation; {@code args} is empty for {@code count(rel)}. Inside
     * the arguments, {@code rel.col} reads the row being aggregated.
     */
    record Aggregate(Function function, String relation, List<Node> args, Span span) implements Node {
        public Aggregate {
            args = List.copyOf(args);
        }

        public List<Node> children() {
            return args;
        }
    }

    /**
     * A walk into a JSON value: {@code ->} steps, {@code ->>} and {@code json_text}. The steps are
     * object keys (String) and array indexes (Integer); {@code text} picks the {@code ->>} result.
     */
    record JsonPath(Node target, List<Object> steps, boolean text, Span span) implements Node {
        public JsonPath {
            steps = List.copyOf(steps);
        }

        public List<Node> children() {
            return List.of(target);
        }
    }

    /** This node and every node below it, parents first. */
    static List<Node> walk(Node root) {
        List<Node> out = new ArrayList<>();
        List<Node> pending = new ArrayList<>();
        pending.add(root);
        while (!pending.isEmpty()) {
            Node n = pending.remove(pending.size() - 1);
            out.add(n);
            List<Node> children = n.children();
            for (int i = children.size() - 1; i >= 0; i--) {
                pending.add(children.get(i));
            }
        }
        return out;
    }
}
