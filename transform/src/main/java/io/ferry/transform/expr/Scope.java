package io.ferry.transform.expr;

import io.ferry.core.event.Row;
import java.time.ZoneId;
import java.util.List;

/** What an expression reads when it is evaluated for one row. */
public interface Scope {

    /** The current row: JSON null for SQL NULL; a column missing from the row evaluates to null. */
    Row row();

    /**
     * Rows of a named relation (ordered deterministically by the caller). A lookup {@code rel.col} uses
     * the first row, or null when empty. Aggregates use all.
     */
    List<Row> related(String relation);

    /** Zone naive TIMESTAMP values are in (used by date() on a naive timestamp). */
    ZoneId sourceZone();
}
