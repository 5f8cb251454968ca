package io.ferry.transform.mapping;

import io.ferry.transform.expr.Expression;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How rows of one source table become a target row or a nested document: the table, the relations
 * its expressions may use, its columns (empty = every source column under its own name, less
 * {@code drop}), and an optional filter.
 */
public record Entity(SourceTable from, Map<String, Relation> related, List<ColumnSpec> columns, Set<String> drop,
        Optional<Expression> filter, Origin origin) {

    public Entity {
        related = Map.copyOf(related);
        columns = List.copyOf(columns);
        drop = Set.copyOf(drop);
    }

    /** True when the columns are the source's own (no {@code columns} given). */
    public boolean allColumns() {
        return columns.isEmpty();
    }

    public boolean hasNests() {
        return columns.stream().anyMatch(ColumnSpec::containsNest);
    }
}
