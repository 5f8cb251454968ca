package io.ferry.transform.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.core.event.Row;
import io.ferry.core.event.TableId;
import java.util.List;

/**
 * Finds source rows by column values: the topology answers from its state stores, validation from the
 * source database. Both must give the same rows in the same order (by primary key).
 */
public interface RowLookup {

    /** Rows of {@code table} whose {@code columns} equal {@code values} (never null values), ordered by primary key. */
    List<Row> find(TableId table, List<String> columns, List<JsonNode> values);
}
