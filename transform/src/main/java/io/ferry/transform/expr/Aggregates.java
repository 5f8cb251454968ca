package io.ferry.transform.expr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.ferry.core.event.Row;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * count, sum, min, max and latest over the rows of one relation: how a call becomes an
 * {@link Node.Aggregate} at parse time, and how it is computed. Nulls are skipped; an aggregate of
 * no values is null, except count, which is 0.
 */
final class Aggregates {

    /** Evaluates an argument of the aggregate for one related row. */
    interface PerRow {
        JsonNode eval(Node arg, Row row);
    }

    private Aggregates() {
    }

    /**
     * The aggregate node of a call. {@code count(x)} with a bare name counts the rows of relation x
     * (whether x is a relation is for the type check); other arguments must read exactly one relation
     * through {@code rel.col}, and may not hold another aggregate.
     */
    static Node build(Function function, List<Node> args, Span span) {
        for (Node arg : args) {
            for (Node n : Node.walk(arg)) {
                if (n instanceof Node.Aggregate) {
                    throw Parser.error(n.span(), "aggregates cannot be nested (inside " + function.label() + ")");
                }
            }
        }
        if (function == Function.COUNT && args.get(0) instanceof Node.Column relation) {
            return new Node.Aggregate(function, relation.name(), List.of(), span);
        }
        Set<String> relations = new LinkedHashSet<>();
        for (Node arg : args) {
            Node.walk(arg).stream().filter(Node.Lookup.class::isInstance)
                    .forEach(n -> relations.add(((Node.Lookup) n).relation()));
        }
        if (relations.isEmpty()) {
            String example = function == Function.LATEST ? "latest(rel.col, rel.updated_at)"
                    : function == Function.COUNT ? "count(rel) or count(rel.col)" : function.label() + "(rel.col)";
            throw Parser.error(args.get(0).span(), function.label() + " needs a relation's column, like " + example);
        }
        if (relations.size() > 1) {
            throw Parser.error(span, function.label() + " reads one relation, but this one reads "
                    + String.join(" and ", relations.stream().map(r -> "'" + r + "'").toList()));
        }
        return new Node.Aggregate(function, relations.iterator().next(), args, span);
    }

    static JsonNode compute(Node.Aggregate aggregate, List<Row> rows, PerRow perRow) {
        List<Node> args = aggregate.args();
        switch (aggregate.function()) {
            case COUNT:
                if (args.isEmpty()) {
                    return Values.NODES.numberNode((long) rows.size());
                }
                long count = rows.stream().filter(r -> !Values.isNull(perRow.eval(args.get(0), r))).count();
                return Values.NODES.numberNode(count);
            case SUM:
                JsonNode sum = null;
                for (Row row : rows) {
                    JsonNode v = perRow.eval(args.get(0), row);
                    if (!Values.isNull(v)) {
                        sum = sum == null ? Numbers.node(Numbers.read(v)) : Numbers.apply(Operator.ADD, sum, v);
                    }
                }
                return sum == null ? NullNode.getInstance() : sum;
            case MIN:
            case MAX:
                return extreme(aggregate.function() == Function.MAX, args.get(0), rows, perRow);
            case LATEST:
                return latest(args.get(0), args.get(1), rows, perRow);
            default:
                throw new IllegalStateException(aggregate.function() + " is not an aggregate");
        }
    }

    private static JsonNode extreme(boolean max, Node arg, List<Row> rows, PerRow perRow) {
        JsonNode best = null;
        for (Row row : rows) {
            JsonNode v = perRow.eval(arg, row);
            if (Values.isNull(v)) {
                continue;
            }
            if (best == null) {
                best = v;
            } else {
                int c = Values.compare(v, best);
                if (max ? c > 0 : c < 0) {
                    best = v;
                }
            }
        }
        return best == null ? NullNode.getInstance() : best;
    }

    /** The value in the row with the greatest {@code by}; on a tie the later row wins. */
    private static JsonNode latest(Node value, Node by, List<Row> rows, PerRow perRow) {
        Row bestRow = null;
        JsonNode bestBy = null;
        for (Row row : rows) {
            JsonNode v = perRow.eval(by, row);
            if (Values.isNull(v)) {
                continue;
            }
            if (bestBy == null || Values.compare(v, bestBy) >= 0) {
                bestBy = v;
                bestRow = row;
            }
        }
        return bestRow == null ? NullNode.getInstance() : perRow.eval(value, bestRow);
    }
}
