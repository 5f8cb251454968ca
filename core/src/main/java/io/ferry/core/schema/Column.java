package io.ferry.core.schema;

import io.ferry.core.types.ColumnType;
import java.util.Objects;

/** One column of a table: name, canonical type, and whether it may hold NULL. */
public record Column(String name, ColumnType type, boolean nullable) {

    public Column {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
    }
}
