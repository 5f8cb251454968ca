package io.ferry.transform.mapping;

import io.ferry.core.event.TableId;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The source table a mapping reads: an exact {@code namespace.table}, or a regular expression over
 * {@code namespace.table} names that merges shards ({@code shop\.orders_\d+}).
 */
public record SourceTable(String text, Pattern pattern, Optional<TableId> exact) {

    private static final Pattern LITERAL = Pattern.compile("[A-Za-z0-9_$-]+(\\\\?\\.[A-Za-z0-9_$-]+)+");

    public static SourceTable parse(String text) {
        Pattern pattern = Pattern.compile(text);
        Optional<TableId> exact = LITERAL.matcher(text).matches()
                ? Optional.of(TableId.parse(text.replace("\\.", "."))) : Optional.empty();
        return new SourceTable(text, pattern, exact);
    }

    public boolean matches(TableId table) {
        return exact.map(table::equals).orElseGet(() -> pattern.matcher(table.toString()).matches());
    }

    @Override
    public String toString() {
        return text;
    }
}
