package io.ferry.transform.expr;

/**
 * A column an expression reads: {@code relation} is null for a column of the row being mapped, or
 * the relation's name for {@code rel.col}.
 */
public record ColumnRef(String relation, String column) {
}
