package io.ferry.transform.topology;

import io.ferry.core.event.TableId;
import io.ferry.core.schema.ForeignKey;
import io.ferry.core.schema.TableSchema;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A foreign key whose referential actions MySQL and MariaDB carry out without logging them: deleting a parent row
 * deletes ({@code ON DELETE CASCADE}) or nulls ({@code ON DELETE SET NULL}) the child rows, changing its referenced
 * columns changes ({@code ON UPDATE CASCADE}) or nulls ({@code ON UPDATE SET NULL}) theirs, and the binlog shows only the
 * parent's change. Transform synthesizes the child changes from its state.
 */
public record Cascade(TableId child, List<String> columns, TableId parent, List<String> parentColumns, Action onDelete,
        Action onUpdate) {

    /** What the source does to the child rows. */
    public enum Action {
        /** Nothing by itself ({@code RESTRICT}, {@code NO ACTION}): the source refuses the change while children refer to it. */
        NONE,
        /** The children are deleted, or their columns take the parent's new values. */
        CASCADE,
        /** The children's referencing columns are set to null. */
        SET_NULL;

        static Action of(String sql) {
            return switch (sql) {
                case "CASCADE" -> CASCADE;
                case "SET NULL" -> SET_NULL;
                default -> NONE; // InnoDB refuses SET DEFAULT
            };
        }
    }

    public Cascade {
        columns = List.copyOf(columns);
        parentColumns = List.copyOf(parentColumns);
    }

    /** A key with an {@code ON DELETE} action alone ({@code ON UPDATE RESTRICT}, InnoDB's default). */
    public Cascade(TableId child, List<String> columns, TableId parent, List<String> parentColumns, boolean setNull) {
        this(child, columns, parent, parentColumns, setNull ? Action.SET_NULL : Action.CASCADE, Action.NONE);
    }

    /**
     * The unlogged cascades among the captured tables' foreign keys whose parent is captured too (capture refuses to start
     * on an {@code ON DELETE} one whose parent is not: its deletes are never seen); none for PostgreSQL, which logs the
     * child changes itself.
     */
    public static List<Cascade> of(String sourceType, Collection<TableSchema> schemas) {
        List<Cascade> out = new ArrayList<>();
        if (sourceType.equals("postgres")) {
            return out;
        }
        Set<TableId> captured = new HashSet<>();
        schemas.forEach(s -> captured.add(s.table()));
        for (TableSchema s : schemas) {
            for (ForeignKey fk : s.foreignKeys()) {
                Action onDelete = Action.of(fk.onDelete());
                Action onUpdate = Action.of(fk.onUpdate());
                if ((onDelete != Action.NONE || onUpdate != Action.NONE) && captured.contains(fk.parent())) {
                    out.add(new Cascade(s.table(), fk.columns(), fk.parent(), fk.parentColumns(), onDelete, onUpdate));
                }
            }
        }
        return out;
    }
}
