package io.ferry.capture.source;

import io.ferry.core.event.TableId;
import io.ferry.core.schema.ForeignKey;
import java.util.List;

/**
 * A captured table as preflight found it.
 *
 * @param estimatedRows the source's statistics estimate, for snapshot progress; -1 when unknown
 */
public record SourceTable(TableId id, List<String> primaryKey, long estimatedRows, List<ForeignKey> foreignKeys) {

    public SourceTable {
        primaryKey = List.copyOf(primaryKey);
        foreignKeys = List.copyOf(foreignKeys);
    }
}
