package io.ferry.core.config;

import java.util.List;
import java.util.Map;

/**
 * The pipeline file as read, before binding: every node knows its key path (e.g.
 * {@code sinks[0].batch.size}) and its 1-based line, so any later error can point at it.
 */
public sealed interface ConfigNode permits ConfigNode.Scalar, ConfigNode.Sequence, ConfigNode.Mapping, ConfigNode.Null {

    String path();

    int line();

    /** What the node is, for "expected X, got Y" messages. */
    String kindName();

    /**
     * A scalar, with {@code ${env:...}} and {@code ${file:...}} already resolved.
     *
     * @param fromSecretSource true when any part came from {@code ${env:...}} or {@code ${file:...}}:
     *     such values are masked wherever they would be printed
     */
    record Scalar(String value, boolean fromSecretSource, String path, int line) implements ConfigNode {
        @Override
        public String kindName() {
            return "a value";
        }
    }

    record Sequence(List<ConfigNode> items, String path, int line) implements ConfigNode {
        public Sequence {
            items = List.copyOf(items);
        }

        @Override
        public String kindName() {
            return "a list";
        }
    }

    /** Keys in file order, each with the line it stands on. */
    record Mapping(Map<String, ConfigNode> entries, Map<String, Integer> keyLines, String path, int line)
            implements ConfigNode {
        public Mapping {
            entries = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(entries));
            keyLines = Map.copyOf(keyLines);
        }

        @Override
        public String kindName() {
            return "a section of keys";
        }

        /** The path of a child key: {@code parent.key}, or {@code key} at the top. */
        public String childPath(String key) {
            return path.isEmpty() ? key : path + "." + key;
        }
    }

    /** An empty value ({@code key:} or {@code key: null}). */
    record Null(String path, int line) implements ConfigNode {
        @Override
        public String kindName() {
            return "nothing";
        }
    }
}
