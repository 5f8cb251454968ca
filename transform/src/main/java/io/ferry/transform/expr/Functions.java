package io.ferry.transform.expr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;

/**
 * The scalar functions whose arguments are all evaluated first (coalesce and if, which evaluate
 * lazily, are the evaluator's). A null argument gives null, except for concat, which skips nulls,
 * and hash and uuid, which digest nulls as JSON null so nullable key parts still give an id.
 */
final class Functions {

    private Functions() {
    }

    static JsonNode apply(Function function, List<JsonNode> args, ZoneId sourceZone) {
        switch (function) {
            case CONCAT:
                StringBuilder out = new StringBuilder();
                args.stream().filter(a -> !Values.isNull(a)).forEach(a -> out.append(Values.text(a)));
                return Values.NODES.textNode(out.toString());
            case HASH:
                return Values.NODES.textNode(Hashing.sha256Hex(args));
            case UUID:
                return Values.NODES.textNode(Hashing.uuid(args).toString());
            default:
                break;
        }
        if (args.stream().anyMatch(Values::isNull)) {
            return NullNode.getInstance();
        }
        JsonNode first = args.get(0);
        switch (function) {
            case LOWER:
                return Values.NODES.textNode(Values.text(first).toLowerCase(Locale.ROOT));
            case UPPER:
                return Values.NODES.textNode(Values.text(first).toUpperCase(Locale.ROOT));
            case TRIM:
                return Values.NODES.textNode(trim(Values.text(first)));
            case LENGTH:
                String s = Values.text(first);
                return Values.NODES.numberNode((long) s.codePointCount(0, s.length()));
            case DATE:
                return date(first, args.size() > 1 ? args.get(1) : null, sourceZone);
            case PARSE_JSON:
                return JsonPaths.document(first);
            default:
                throw new IllegalStateException(function + " is not evaluated here");
        }
    }

    /** Removes Unicode white space at both ends, no-break spaces included (String.strip keeps those). */
    private static String trim(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isSpace(s.charAt(start))) {
            start++;
        }
        while (end > start && isSpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    private static boolean isSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c);
    }

    private static JsonNode date(JsonNode value, JsonNode zone, ZoneId sourceZone) {
        if (!value.isTextual()) {
            throw new ValueException("cannot read " + Values.describe(value) + " as a date or timestamp");
        }
        return Temporal.date(value.textValue(), zone == null ? null : zone(zone), sourceZone);
    }

    private static ZoneId zone(JsonNode zone) {
        try {
            return ZoneId.of(Values.text(zone));
        } catch (DateTimeException e) {
            throw new ValueException("unknown time zone " + Values.describe(zone));
        }
    }
}
