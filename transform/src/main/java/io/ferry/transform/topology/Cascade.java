package io.ferry.transform.topology;

import io.ferry.core.event.TableId;
import io.ferry.core.schema.ForeignKey;
import io.ferry.core.schema.TableSchema;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A foreign key whose delete action MySQL and MariaDB carry out without logging it: deleting a parent row
 * deletes ({@code ON DELETE CASCADE}) or nulls ({@code ON DELETE SET NULL}) the child rows, and the binlog
 * shows only the parent's delete. Transform synthesizes the child changes from its state.
 */
public record Cascade(TableId child, List<String> columns, TableId parent, List<String> parentColumns, boolean setNull) {

    public Cascade {
        columns = List.copyOf(columns);
        parentColumns = List.copyOf(parentColumns);
    }

    /**
     * The unlogged cascades among the captured tables' foreign keys whose parent is captured too (capture refuses to start
     * on one whose parent is not: its deletes are never seen); none for PostgreSQL, which logs the child changes itself.
     */
    public static List<Cascade> of(String sourceType, Collection<TableSchema> schemas) {
        List<Cascade> out = new ArrayList<>();
        if (sourceType.equals("postgres")) {
            return out;
        }
        java.util.Set<TableId> captured = new java.util.HashSet<>();
        schemas.forEach(s -> captured.add(s.table()));
        for (TableSchema s : schemas) {
            for (ForeignKey fk : s.foreignKeys()) {
                if ((fk.onDelete().equals("CASCADE") || fk.onDelete().equals("SET NULL")) && captured.contains(fk.parent())) {
                    out.add(new Cascade(s.table(), fk.columns(), fk.parent(), fk.parentColumns(), fk.onDelete().equals("SET NULL")));
                }
            }
        }
        return out;
    }
}
