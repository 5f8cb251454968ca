package io.ferry.transform.expr;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The functions an expression may call, with their argument counts; names are case-insensitive. */
enum Function {
    COALESCE(1, Integer.MAX_VALUE, false),
    CONCAT(1, Integer.MAX_VALUE, false),
    COUNT(1, 1, true),
    DATE(1, 2, false),
    HASH(1, Integer.MAX_VALUE, false),
    IF(3, 3, false),
    JSON_TEXT(2, 2, false),
    LATEST(2, 2, true),
    LENGTH(1, 1, false),
    LOWER(1, 1, false),
    MAX(1, 1, true),
    MIN(1, 1, true),
    PARSE_JSON(1, 1, false),
    SUM(1, 1, true),
    TRIM(1, 1, false),
    UPPER(1, 1, false),
    UUID(1, Integer.MAX_VALUE, false);

    private final int minArgs;
    private final int maxArgs;
    private final boolean aggregate;

    Function(int minArgs, int maxArgs, boolean aggregate) {
        this.minArgs = minArgs;
        this.maxArgs = maxArgs;
        this.aggregate = aggregate;
    }

    /** The name as written in expressions. */
    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    boolean aggregate() {
        return aggregate;
    }

    boolean accepts(int args) {
        return args >= minArgs && args <= maxArgs;
    }

    /** "1 argument", "1 to 2 arguments", "at least 1 argument". */
    String arity() {
        if (maxArgs == Integer.MAX_VALUE) {
            return "at least " + plural(minArgs);
        }
        return minArgs == maxArgs ? plural(minArgs) : minArgs + " to " + plural(maxArgs);
    }

    private static String plural(int n) {
        return n + (n == 1 ? " argument" : " arguments");
    }

    static Optional<Function> named(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        return Arrays.stream(values()).filter(f -> f.name().equals(upper)).findFirst();
    }

    static List<String> labels() {
        return Arrays.stream(values()).map(Function::label).toList();
    }
}
