package io.ferry.capture.source;

import io.ferry.core.event.TableId;
import io.ferry.core.schema.ForeignKey;
import java.util.List;

/**
 * A captured table as preflight found it.
 *
 * @param estimatedRows the source's statistics estimate, for snapshot progress; -1 when unknown
 * @param jsonColumns columns that hold JSON although the log types them as text (MariaDB's {@code JSON} is a
 *     {@code LONGTEXT} with a {@code json_valid} check): capture types them JSON
 */
public record SourceTable(TableId id, List<String> primaryKey, long estimatedRows, List<ForeignKey> foreignKeys,
        java.util.Set<String> jsonColumns) {

    public SourceTable {
        primaryKey = List.copyOf(primaryKey);
        foreignKeys = List.copyOf(foreignKeys);
        jsonColumns = java.util.Set.copyOf(jsonColumns);
    }

    public SourceTable(TableId id, List<String> primaryKey, long estimatedRows, List<ForeignKey> foreignKeys) {
        this(id, primaryKey, estimatedRows, foreignKeys, java.util.Set.of());
    }
}
