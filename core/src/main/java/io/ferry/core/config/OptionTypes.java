package io.ferry.core.config;

import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/** The standard option types. Each reports a wrong value with what it expected. */
public final class OptionTypes {

    private OptionTypes() {
    }

    /** A scalar's text, or null after reporting that the node is not a scalar. */
    static String scalar(ConfigNode node, Problems problems, String expected) {
        if (node instanceof ConfigNode.Scalar s) {
            return s.value();
        }
        problems.add(node, "expected " + expected + ", got " + node.kindName());
        return null;
    }

    /** A type from a text parser whose IllegalArgumentException message says what is wrong. */
    static <T> OptionType<T> fromText(String description, String expected, Function<String, T> parser,
            Function<T, String> renderer) {
        return new OptionType<>() {
            @Override
            public String describe() {
                return description;
            }

            @Override
            public T parse(ConfigNode node, Problems problems) {
                String text = scalar(node, problems, expected);
                if (text == null) {
                    return null;
                }
                try {
                    return parser.apply(text);
                } catch (IllegalArgumentException e) {
                    problems.add(node, e.getMessage());
                    return null;
                }
            }

            @Override
            public String render(T value) {
                return renderer.apply(value);
            }
        };
    }

    public static OptionType<String> string() {
        return fromText("string", "a string", s -> s, s -> s);
    }

    /**
     * A string with something in it: an empty host, database or user (an environment variable set to nothing) is not
     * left to the driver, which may fall back to a default (PostgreSQL's driver to localhost: another database).
     */
    public static OptionType<String> nonBlank() {
        return fromText("string", "a string", s -> {
            if (s.isBlank()) {
                throw new IllegalArgumentException("it is empty (an environment variable set to nothing?)");
            }
            return s;
        }, s -> s);
    }

    /** A string matching {@code pattern}; {@code hint} says in words what is allowed. */
    public static OptionType<String> string(String pattern, String hint) {
        Pattern p = Pattern.compile(pattern);
        return fromText("string (" + hint + ")", "a string", s -> {
            if (!p.matcher(s).matches()) {
                throw new IllegalArgumentException("'" + s + "' is not allowed: " + hint);
            }
            return s;
        }, s -> s);
    }

    public static OptionType<Integer> integer(int min, int max) {
        String range = max == Integer.MAX_VALUE ? "integer ≥ " + min : "integer " + min + ".." + max;
        return fromText(range, "an integer", s -> {
            int v;
            try {
                v = Integer.parseInt(s.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected an integer, got '" + s + "'");
            }
            if (v < min || v > max) {
                throw new IllegalArgumentException("must be an " + range + ", got " + v);
            }
            return v;
        }, String::valueOf);
    }

    public static OptionType<Boolean> bool() {
        return fromText("true or false", "true or false", s -> switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("expected true or false, got '" + s + "'");
        }, String::valueOf);
    }

    public static OptionType<Duration> duration() {
        return fromText("duration (250ms, 5s, 2m, 1h, 7d)", "a duration", Durations::parse, Durations::format);
    }

    public static OptionType<DataSize> size() {
        return fromText("size (512KiB, 64MiB, 1GiB, 10MB)", "a size", DataSize::parse, DataSize::toString);
    }

    public static OptionType<DataSize> size(DataSize min, DataSize max) {
        String range = "size " + min + ".." + max;
        return fromText(range + " (512KiB, 64MiB, 10MB)", "a size", s -> {
            DataSize v = DataSize.parse(s);
            if (v.bytes() < min.bytes() || v.bytes() > max.bytes()) {
                throw new IllegalArgumentException("must be a " + range + ", got " + v);
            }
            return v;
        }, DataSize::toString);
    }

    public static OptionType<ZoneId> zone() {
        return fromText("time zone (UTC, Europe/Berlin, +02:00)", "a time zone", s -> {
            try {
                return ZoneId.of(s.trim());
            } catch (DateTimeException e) {
                throw new IllegalArgumentException("unknown time zone '" + s + "' (use a region like Europe/Berlin, UTC, or an offset like +02:00)");
            }
        }, ZoneId::getId);
    }

    public static OptionType<Path> path() {
        return fromText("path", "a path", Path::of, Path::toString);
    }

    /** One of fixed lower-case words. */
    public static OptionType<String> oneOf(String... values) {
        List<String> allowed = List.of(values);
        return fromText("one of: " + String.join(", ", allowed), "a value", s -> {
            if (!allowed.contains(s)) {
                String suggestion = DidYouMean.suggest(s, allowed).map(m -> "did you mean '" + m + "'? ").orElse("");
                throw new IllegalArgumentException("'" + s + "' is not one of " + String.join(", ", allowed)
                        + (suggestion.isEmpty() ? "" : "; " + suggestion.trim()));
            }
            return s;
        }, s -> s);
    }

    /** An enum written as its lower-case name. */
    public static <E extends Enum<E>> OptionType<E> enumOf(Class<E> type) {
        String[] names = Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).toArray(String[]::new);
        OptionType<String> words = oneOf(names);
        return new OptionType<>() {
            @Override
            public String describe() {
                return words.describe();
            }

            @Override
            public E parse(ConfigNode node, Problems problems) {
                String s = words.parse(node, problems);
                return s == null ? null : Enum.valueOf(type, s.toUpperCase(Locale.ROOT));
            }

            @Override
            public String render(E value) {
                return value.name().toLowerCase(Locale.ROOT);
            }
        };
    }

    public static OptionType<Secret> secret() {
        return new OptionType<>() {
            @Override
            public String describe() {
                return "secret string (use ${env:NAME} or ${file:/path})";
            }

            @Override
            public Secret parse(ConfigNode node, Problems problems) {
                String s = scalar(node, problems, "a string");
                return s == null ? null : new Secret(s);
            }

            @Override
            public String render(Secret value) {
                return Secret.MASK;
            }

            @Override
            public boolean secret() {
                return true;
            }
        };
    }

    /** A list of strings; a single string counts as a list of one. */
    public static OptionType<List<String>> stringList() {
        return stringList(item -> null);
    }

    /**
     * A list of strings whose items are checked one by one, each problem reported at the item's own
     * line and path ({@code source.tables[2]}).
     *
     * @param check an item's problem, or null when it is fine
     */
    public static OptionType<List<String>> stringList(Function<String, String> check) {
        return new OptionType<>() {
            @Override
            public String describe() {
                return "list of strings";
            }

            @Override
            public List<String> parse(ConfigNode node, Problems problems) {
                if (node instanceof ConfigNode.Scalar s) {
                    String problem = check.apply(s.value());
                    if (problem != null) {
                        problems.add(node, problem);
                        return null;
                    }
                    return List.of(s.value());
                }
                if (!(node instanceof ConfigNode.Sequence seq)) {
                    problems.add(node, "expected a list of strings, got " + node.kindName());
                    return null;
                }
                List<String> out = new ArrayList<>();
                boolean ok = true;
                for (ConfigNode item : seq.items()) {
                    String v = scalar(item, problems, "a string");
                    String problem = v == null ? null : check.apply(v);
                    if (problem != null) {
                        problems.add(item, problem);
                    }
                    ok &= v != null && problem == null;
                    out.add(v);
                }
                return ok ? List.copyOf(out) : null;
            }

            @Override
            public String render(List<String> value) {
                return "[" + String.join(", ", value) + "]";
            }
        };
    }

    /**
     * A map of string keys to string values, passed through to a client library (e.g. Kafka client
     * properties). Values whose key looks secret (password, secret, token, key, credential, jaas) are masked.
     */
    public static OptionType<Map<String, String>> stringMap() {
        return stringMap((k, v) -> null);
    }

    /** A map of strings whose entries are checked: {@code check} returns what is wrong with one, or null. */
    public static OptionType<Map<String, String>> stringMap(java.util.function.BiFunction<String, String, String> check) {
        return new OptionType<>() {
            @Override
            public String describe() {
                return "map of string to string";
            }

            @Override
            public Map<String, String> parse(ConfigNode node, Problems problems) {
                if (!(node instanceof ConfigNode.Mapping m)) {
                    problems.add(node, "expected a section of keys, got " + node.kindName());
                    return null;
                }
                Map<String, String> out = new LinkedHashMap<>();
                boolean ok = true;
                for (var e : m.entries().entrySet()) {
                    String v = scalar(e.getValue(), problems, "a string");
                    ok &= v != null;
                    String problem = v == null ? null : check.apply(e.getKey(), v);
                    if (problem != null) {
                        problems.add(e.getValue(), problem);
                        ok = false;
                    }
                    out.put(e.getKey(), v);
                }
                return ok ? java.util.Collections.unmodifiableMap(out) : null;
            }

            @Override
            public String render(Map<String, String> value) {
                StringBuilder s = new StringBuilder("{");
                value.forEach((k, v) -> s.append(s.length() > 1 ? ", " : "").append(k).append(": ")
                        .append(looksSecret(k) ? Secret.MASK : v));
                return s.append('}').toString();
            }
        };
    }

    static boolean looksSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("secret") || k.contains("token") || k.contains("jaas")
                || k.contains("credential") || k.endsWith("key") || k.contains(".key.");
    }
}
