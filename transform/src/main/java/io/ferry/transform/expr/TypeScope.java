package io.ferry.transform.expr;

import io.ferry.core.types.ColumnType;

/** The column types an expression is checked against at config load. */
public interface TypeScope {

    /** The type of a column of the own row (relation == null) or of a relation's rows; null when unknown column. */
    ColumnType column(String relation, String column);

    /** Whether the relation name exists. */
    boolean hasRelation(String relation);
}
