package io.ferry.core.schema;

import io.ferry.core.event.TableId;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A source table's shape at one version: columns in table order, the primary key in key order.
 * Capture publishes a new version whenever the source's schema changes.
 */
public record TableSchema(TableId table, List<Column> columns, List<String> primaryKey, int version) {

    public TableSchema {
        Objects.requireNonNull(table, "table");
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
        Set<String> names = new HashSet<>();
        for (Column c : columns) {
            if (!names.add(c.name())) {
                throw new IllegalArgumentException(table + ": column '" + c.name() + "' appears twice");
            }
        }
        if (primaryKey.isEmpty()) {
            throw new IllegalArgumentException(table + " has no primary key: Ferry needs one to key changes "
                    + "(add a primary key, or declare the key columns for this table in the pipeline's source section)");
        }
        for (String k : primaryKey) {
            if (!names.contains(k)) {
                throw new IllegalArgumentException(table + ": primary key column '" + k + "' is not a column of the table");
            }
        }
    }

    public Optional<Column> column(String name) {
        return columns.stream().filter(c -> c.name().equals(name)).findFirst();
    }
}
