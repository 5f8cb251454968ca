package io.ferry.transform.mapping;

import io.ferry.core.event.TableId;
import java.util.List;

/**
 * Rows of another table related to the current row: those whose {@code columns} equal the current
 * row's {@code ownColumns}. Used as a lookup ({@code user.email}, the first related row) or in an
 * aggregate ({@code count(sessions)}).
 *
 * @param missing what a lookup does when no row matches: null columns, or hold the row back until one exists
 */
public record Relation(String name, TableId table, List<String> columns, List<String> ownColumns, Missing missing,
        Origin origin) {

    public enum Missing {
        NULL, HOLD
    }

    public Relation {
        columns = List.copyOf(columns);
        ownColumns = List.copyOf(ownColumns);
    }
}
