package io.ferry.transform.expr;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.core.types.ColumnType;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A parsed mapping expression; immutable, thread-safe. Parsed once at config load and evaluated per
 * row, with SQL semantics on canonical JSON values:
 *
 * <ul>
 *   <li>NULL in, NULL out for operators and functions, except {@code coalesce}, {@code concat} (skips
 *       nulls), {@code hash}/{@code uuid} (digest nulls), {@code is [not] null}, three-valued
 *       {@code and}/{@code or}, and {@code if}, whose null condition takes the else branch.
 *   <li>Integers are exact (growing past a long as needed); a string operand of arithmetic is read as
 *       a decimal; any decimal makes an exact DECIMAL result (a canonical string); any float makes a
 *       double. Integer {@code /} truncates toward zero like SQL's ({@code 7 / 2} is 3, {@code -7 / 2}
 *       is -3); write {@code 7.0 / 2} for 3.5. Dividing by zero is an error, except with floats.
 *   <li>Comparisons (and min/max) are numeric when a number is involved, by characters for two
 *       strings (canonical dates and timestamps sort correctly that way), false before true for
 *       booleans. DECIMAL values are strings, so two of them compare by characters: write
 *       {@code price + 0} to compare them as numbers ({@code "1.50" = 1.5} is already true).
 *   <li>{@code hash(...)} is the lower-case hex SHA-256, and {@code uuid(...)} the RFC 4122 version 5
 *       UUID in namespace {@code 33a5cda5-0c75-5808-bad2-6be8e19fd790}, of the arguments' canonical
 *       JSON array text (e.g. {@code ["a",1,null]}).
 * </ul>
 */
public final class Expression {

    private final String text;
    private final Node root;
    private final Set<ColumnRef> references;
    private final Set<String> relations;

    private Expression(String text, Node root) {
        this.text = text;
        this.root = root;
        Set<ColumnRef> refs = new LinkedHashSet<>();
        Set<String> rels = new LinkedHashSet<>();
        for (Node n : Node.walk(root)) {
            if (n instanceof Node.Column c) {
                refs.add(new ColumnRef(null, c.name()));
            } else if (n instanceof Node.Lookup l) {
                refs.add(new ColumnRef(l.relation(), l.column()));
                rels.add(l.relation());
            } else if (n instanceof Node.Aggregate a) {
                rels.add(a.relation());
            }
        }
        this.references = Collections.unmodifiableSet(refs);
        this.relations = Collections.unmodifiableSet(rels);
    }

    /**
     * @throws ExpressionSyntaxException with a message naming the 1-based character position and what was
     *     expected, e.g. "at 12: expected ')' after the arguments of coalesce"
     */
    public static Expression parse(String text) {
        Objects.requireNonNull(text, "expression text");
        return new Expression(text, Parser.parse(text));
    }

    public String text() {
        return text;
    }

    /**
     * Every column reference: own-row columns have relation == null; {@code rel.col} has relation
     * "rel". Includes refs inside aggregates.
     */
    public Set<ColumnRef> references() {
        return references;
    }

    /** The relation names used (in lookups {@code rel.col} or aggregates {@code count(rel)}). */
    public Set<String> relations() {
        return relations;
    }

    /** True when the expression is a bare own-row column reference (e.g. {@code user_id}), used for renames. */
    public Optional<String> asColumn() {
        return root instanceof Node.Column c ? Optional.of(c.name()) : Optional.empty();
    }

    /**
     * The value for one row, in canonical JSON form (JSON null for NULL).
     *
     * @throws EvaluationException when a value cannot be converted (message says which value and why,
     *     e.g. "cannot read 'abc' as a number in lower(x) + 1")
     */
    public JsonNode evaluate(Scope scope) {
        return Values.canonical(new Evaluator(text, scope).eval(root));
    }

    /**
     * Inferred result type.
     *
     * @throws ExpressionTypeException naming the unknown column/relation or bad operand types
     */
    public ColumnType type(TypeScope scope) {
        return new TypeChecker(text, scope).check(root);
    }

    @Override
    public String toString() {
        return text;
    }
}
