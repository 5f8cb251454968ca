package io.ferry.validation.diff;

import io.ferry.core.spi.TargetTable;
import io.ferry.core.types.Tolerance;
import io.ferry.transform.mapping.TargetMapping;
import java.util.List;
import java.util.Map;

/**
 * One (sink, target table) to compare: the mappings that write it (usually one), its mapped shape, and how exactly
 * the sink keeps values.
 */
record TableCheck(String sink, String sinkType, TargetTable table, List<TargetMapping> mappings, Tolerance tolerance,
        Map<String, Tolerance> columnTolerances) {

    TableCheck {
        mappings = List.copyOf(mappings);
        columnTolerances = Map.copyOf(columnTolerances);
    }

    /** The tolerance of one column: the table's, widened by {@code validation.tolerances}. */
    Tolerance tolerance(String column) {
        return columnTolerances.getOrDefault(column, tolerance);
    }
}
