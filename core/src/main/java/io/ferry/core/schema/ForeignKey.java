package io.ferry.core.schema;

import io.ferry.core.event.TableId;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A foreign key from a child table's columns to a parent's, with its referential actions as the source
 * declares them ({@code CASCADE}, {@code SET NULL}, {@code SET DEFAULT}, {@code RESTRICT}, {@code NO ACTION}).
 */
public record ForeignKey(String name, List<String> columns, TableId parent, List<String> parentColumns, String onDelete,
        String onUpdate) {

    public ForeignKey {
        Objects.requireNonNull(parent, "parent");
        columns = List.copyOf(columns);
        parentColumns = List.copyOf(parentColumns);
        onDelete = onDelete == null ? "NO ACTION" : onDelete.toUpperCase(Locale.ROOT);
        onUpdate = onUpdate == null ? "NO ACTION" : onUpdate.toUpperCase(Locale.ROOT);
    }

    /** True when a change of the parent changes child rows by itself (cascade, set null, set default). */
    public boolean changesChildren() {
        return acts(onDelete) || acts(onUpdate);
    }

    private static boolean acts(String action) {
        return action.equals("CASCADE") || action.equals("SET NULL") || action.equals("SET DEFAULT");
    }
}
