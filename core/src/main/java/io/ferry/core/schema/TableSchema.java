package io.ferry.core.schema;

import io.ferry.core.event.TableId;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A source table's shape at one version: columns in table order, the primary key in key order, and
 * the foreign keys that point from this table to a parent (on MySQL/MariaDB, the child rows a parent's
 * delete cascades to never reach the binlog, so transform needs to know them). Capture publishes a new
 * version whenever the source's schema changes.
 */
public record TableSchema(TableId table, List<Column> columns, List<String> primaryKey, int version,
        List<ForeignKey> foreignKeys) {

    public TableSchema(TableId table, List<Column> columns, List<String> primaryKey, int version) {
        this(table, columns, primaryKey, version, List.of());
    }

    public TableSchema {
        Objects.requireNonNull(table, "table");
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
        foreignKeys = foreignKeys == null ? List.of() : List.copyOf(foreignKeys);
        Set<String> names = new HashSet<>();
        for (Column c : columns) {
            if (!names.add(c.name())) {
                throw new IllegalArgumentException(table + ": column '" + c.name() + "' appears twice");
            }
        }
        if (primaryKey.isEmpty()) {
            throw new IllegalArgumentException(table + " has no primary key: Ferry needs one to key changes "
                    + "(add a primary key to the table, or leave it out of source.tables)");
        }
        for (String k : primaryKey) {
            if (!names.contains(k)) {
                throw new IllegalArgumentException(table + ": primary key column '" + k + "' is not a column of the table");
            }
        }
    }

    /** This schema with another version number. */
    public TableSchema withVersion(int newVersion) {
        return new TableSchema(table, columns, primaryKey, newVersion, foreignKeys);
    }

    /** Whether two schemas describe the same shape, whatever their versions. */
    public boolean sameShape(TableSchema other) {
        return table.equals(other.table) && columns.equals(other.columns) && primaryKey.equals(other.primaryKey)
                && foreignKeys.equals(other.foreignKeys);
    }

    public Optional<Column> column(String name) {
        return columns.stream().filter(c -> c.name().equals(name)).findFirst();
    }
}
