package io.ferry.core.config;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A key of {@code validation.tolerances}: a target column of every sink's table of that name ({@code table.column}), or of
 * one sink's ({@code sink/table.column}).
 */
public record ToleranceKey(Optional<String> sink, String table, String column) {

    private static final Pattern FORMAT = Pattern.compile("(?:([a-z0-9][a-z0-9_-]*)/)?([^./]+)\\.([^./]+)");

    /** @throws IllegalArgumentException naming the forms, for a key of neither */
    public static ToleranceKey parse(String key) {
        Matcher m = FORMAT.matcher(key);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + key + "' must be table.column or sink/table.column (a target column)");
        }
        return new ToleranceKey(Optional.ofNullable(m.group(1)), m.group(2), m.group(3));
    }

    /** Whether it is a key of this sink's table: one of its own, or one of every sink's. */
    public boolean appliesTo(String sinkName, String tableName) {
        return table.equals(tableName) && sink.map(sinkName::equals).orElse(true);
    }
}
