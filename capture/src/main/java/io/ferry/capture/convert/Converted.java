package io.ferry.capture.convert;

import io.ferry.core.event.ChangeEvent;
import io.ferry.core.event.Marker;
import io.ferry.core.event.SourceInfo;
import io.ferry.core.event.TableId;
import io.ferry.core.schema.TableSchema;

/** What one Debezium record became. */
public sealed interface Converted {

    /**
     * A row change of a captured table, with the schema it was read with (version not yet assigned) and the columns the
     * source gives a default (which it fills into existing rows, unlogged, when such a column is added).
     */
    record Row(ChangeEvent.RowChange event, TableSchema schema, java.util.Set<String> defaulted) implements Converted {

        public Row(ChangeEvent.RowChange event, TableSchema schema) {
            this(event, schema, java.util.Set.of());
        }
    }

    /** A heartbeat or drain marker of this pipeline. */
    record MarkerRow(Marker marker, SourceInfo source) implements Converted {
    }

    /**
     * Debezium's schema change record of a binlog's DDL, with the tables a streamed DDL created or altered (none for a DDL
     * a snapshot read): the facts the log does not carry, foreign keys among them, may have changed although no row of
     * the tables did.
     */
    record TablesChanged(java.util.List<TableId> tables) implements Converted {
        public TablesChanged {
            tables = java.util.List.copyOf(tables);
        }
    }

    /** A {@code TRUNCATE} of a table, at its place in the log: every row of the table before it is gone. */
    record Truncate(TableId table, SourceInfo source) implements Converted {
    }

    /** Not data: Ferry's signal rows, other pipelines' heartbeats, tombstones. */
    record Skip(String why) implements Converted {
    }

    /** A record that can never become a canonical event; it goes to the dead-letter topic. {@code table} null: unknown. */
    record Failure(TableId table, String reason, String detail) implements Converted {
    }
}
