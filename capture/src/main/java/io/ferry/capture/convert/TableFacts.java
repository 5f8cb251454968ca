package io.ferry.capture.convert;

import io.ferry.core.event.TableId;
import io.ferry.core.schema.ForeignKey;
import java.util.List;
import java.util.Set;

/**
 * What the converter knows of a table from the source rather than from the log: its foreign keys (the schema topic lists
 * them; transform derives MySQL's unlogged cascades from them) and the columns that hold JSON although the log types them
 * as text (MariaDB's {@code JSON}).
 */
public interface TableFacts {

    /** The table's foreign keys; empty when unknown. */
    List<ForeignKey> foreignKeys(TableId table);

    /** The table's columns that hold JSON although the log types them as text; empty when none or unknown. */
    Set<String> jsonColumns(TableId table);

    /**
     * Called before the converter derives a table's shape from a Connect schema that is not the first it saw for the table
     * (Debezium learned the table again: a DDL in the binlog, a reconnect), and when a DDL of the table was streamed, so
     * the facts can be read again first.
     */
    default void reshaped(TableId table) {
    }
}
