package io.ferry.core.config;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Binds a {@link Section} declaration over a mapping from the file, recording every problem. */
public final class Binder {

    private Binder() {
    }

    /**
     * @param node the section's node, or null when the key is absent
     * @param path the section's key path, for messages
     * @param line the line to blame for a missing section or key
     * @param ignoredKeys keys handled elsewhere (e.g. a sink's {@code name} and {@code type})
     */
    public static ConfigValues bind(Section section, ConfigNode node, String path, int line, Set<String> ignoredKeys,
            Problems problems) {
        if (node == null || node instanceof ConfigNode.Null) {
            if (section.required()) {
                problems.add(line, path, "missing required section '" + section.key() + "' (" + section.description() + ")");
            }
            return absent(section, path, line, problems);
        }
        if (!(node instanceof ConfigNode.Mapping map)) {
            problems.add(node, "expected a section of keys, got " + node.kindName());
            return absent(section, path, node.line(), problems);
        }
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, Integer> lines = new HashMap<>();
        Set<String> secretSourced = new HashSet<>();
        Map<String, ConfigValues> nested = new HashMap<>();
        for (var entry : map.entries().entrySet()) {
            String key = entry.getKey();
            if (ignoredKeys.contains(key)) {
                continue;
            }
            if (section.options().stream().noneMatch(o -> o.key().equals(key))
                    && section.sections().stream().noneMatch(s -> s.key().equals(key))) {
                problems.add(map.keyLines().getOrDefault(key, map.line()), map.childPath(key), unknownKey(key, section, ignoredKeys));
            }
        }
        for (Option<?> option : section.options()) {
            ConfigNode value = map.entries().get(option.key());
            int keyLine = map.keyLines().getOrDefault(option.key(), map.line());
            if (value == null) {
                if (option.required()) {
                    problems.add(line, map.path(), "missing required key '" + option.key() + "': " + option.description());
                }
                continue;
            }
            lines.put(option.key(), keyLine);
            if (value instanceof ConfigNode.Null) {
                problems.add(value, "has no value; give one" + (option.required() ? "" : ", or leave the key out to use the default "
                        + option.renderDefault()));
                continue;
            }
            Object parsed = option.type().parse(value, problems);
            if (parsed != null) {
                values.put(option.key(), parsed);
                if (containsSecretSource(value)) {
                    secretSourced.add(option.key());
                }
            }
        }
        for (Section sub : section.sections()) {
            nested.put(sub.key(), bind(sub, map.entries().get(sub.key()), map.childPath(sub.key()),
                    map.keyLines().getOrDefault(sub.key(), map.line()), Set.of(), problems));
        }
        return new ConfigValues(section, path, line, true, values, lines, secretSourced, nested);
    }

    private static ConfigValues absent(Section section, String path, int line, Problems problems) {
        Map<String, ConfigValues> nested = new HashMap<>();
        for (Section sub : section.sections()) {
            nested.put(sub.key(), bind(new Section(sub.key(), sub.description(), false, sub.options(), sub.sections()), null,
                    path.isEmpty() ? sub.key() : path + "." + sub.key(), line, Set.of(), problems));
        }
        return new ConfigValues(section, path, line, false, Map.of(), Map.of(), Set.of(), nested);
    }

    static String unknownKey(String key, Section section, Set<String> alsoKnown) {
        Set<String> known = new java.util.TreeSet<>(section.keys());
        known.addAll(alsoKnown);
        String hint = DidYouMean.suggest(key, known).map(k -> "did you mean '" + k + "'? ").orElse("");
        return "unknown key '" + key + "'; " + hint + "known keys: " + String.join(", ", known);
    }

    private static boolean containsSecretSource(ConfigNode node) {
        return switch (node.kindName()) {
            case "a value" -> ((ConfigNode.Scalar) node).fromSecretSource();
            case "a list" -> ((ConfigNode.Sequence) node).items().stream().anyMatch(Binder::containsSecretSource);
            case "a section of keys" -> ((ConfigNode.Mapping) node).entries().values().stream().anyMatch(Binder::containsSecretSource);
            default -> false;
        };
    }
}
