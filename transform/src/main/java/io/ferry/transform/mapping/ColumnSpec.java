package io.ferry.transform.mapping;

import io.ferry.core.types.CanonicalType;
import io.ferry.core.event.TableId;
import io.ferry.transform.expr.Expression;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One target column: a value, a group of columns (a sub-document), or nested child rows. */
public sealed interface ColumnSpec permits ColumnSpec.Value, ColumnSpec.Group, ColumnSpec.Nest {

    String name();

    Origin origin();

    /** Whether this column, or one inside it, nests child rows. */
    default boolean containsNest() {
        if (this instanceof Nest) {
            return true;
        }
        return this instanceof Group g && g.columns().stream().anyMatch(ColumnSpec::containsNest);
    }

    /**
     * A value from an expression; then the value map (by the value's text), the default for NULL, and the cast,
     * in that order.
     */
    record Value(String name, Expression expr, Map<String, String> valueMap, Optional<JsonNode> defaultValue,
            Optional<CanonicalType> cast, Origin origin) implements ColumnSpec {
        public Value {
            valueMap = Map.copyOf(valueMap);
        }
    }

    /** Columns grouped into a sub-document ({@code profile: {first_name, ...}}). */
    record Group(String name, List<ColumnSpec> columns, Origin origin) implements ColumnSpec {
        public Group {
            columns = List.copyOf(columns);
        }
    }

    /**
     * Child rows embedded in the document: an array ordered and patched by {@code key}, or with
     * {@code many == false} a single sub-document (null when the child is missing).
     *
     * @param columns the child table's columns that equal the parent row's {@code parentColumns}
     */
    record Nest(String name, boolean many, TableId table, List<String> columns, List<String> parentColumns, List<String> key,
            Entity child, Origin origin) implements ColumnSpec {
        public Nest {
            columns = List.copyOf(columns);
            parentColumns = List.copyOf(parentColumns);
            key = List.copyOf(key);
        }
    }
}
