package io.ferry.transform.topology;

import io.ferry.core.event.TableId;
import java.util.List;

/** An index the group keeps over one table's rows: from the values of some columns to the rows' keys. */
record IndexSpec(TableId table, List<String> columns) {

    IndexSpec {
        columns = List.copyOf(columns);
    }

    /** A stable id, part of every index entry's key in the store. */
    String id() {
        return table + "(" + String.join(",", columns) + ")";
    }
}
