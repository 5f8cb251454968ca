package io.ferry.core.config;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The bound values of one section: each declared option's value (or its default), the nested
 * sections, and the line each came from. Read with the same {@link Option} constants that declared them.
 */
public final class ConfigValues {

    private final Section section;
    private final String path;
    private final int line;
    private final boolean present;
    private final Map<String, Object> values;
    private final Map<String, Integer> lines;
    private final Set<String> fromSecretSource;
    private final Map<String, ConfigValues> sections;

    ConfigValues(Section section, String path, int line, boolean present, Map<String, Object> values,
            Map<String, Integer> lines, Set<String> fromSecretSource, Map<String, ConfigValues> sections) {
        this.section = section;
        this.path = path;
        this.line = line;
        this.present = present;
        this.values = Map.copyOf(values);
        this.lines = Map.copyOf(lines);
        this.fromSecretSource = Set.copyOf(fromSecretSource);
        this.sections = Map.copyOf(sections);
    }

    public Section section() {
        return section;
    }

    /** The key path of this section in the file, e.g. {@code sinks[1]}. */
    public String path() {
        return path;
    }

    public int line() {
        return line;
    }

    /** False when the section was absent from the file and holds only defaults. */
    public boolean present() {
        return present;
    }

    /**
     * The option's value, or its default.
     *
     * @throws IllegalStateException for an option this section does not declare, or an optional one with
     *     no default that was left out (use {@link #find})
     */
    @SuppressWarnings("unchecked")
    public <T> T get(Option<T> option) {
        check(option);
        Object v = values.get(option.key());
        if (v == null) {
            if (option.defaultValue() == null) {
                throw new IllegalStateException(path + "." + option.key() + " has no value and no default: use find()");
            }
            return option.defaultValue();
        }
        return (T) v;
    }

    /** The option's value if the file gave one, else its default if it has one. */
    @SuppressWarnings("unchecked")
    public <T> Optional<T> find(Option<T> option) {
        check(option);
        Object v = values.get(option.key());
        return v != null ? Optional.of((T) v) : Optional.ofNullable(option.defaultValue());
    }

    /** Whether the file gave the option explicitly. */
    public boolean given(Option<?> option) {
        check(option);
        return values.containsKey(option.key());
    }

    /** The line of the option in the file, or of the section when the option was not given. */
    public int line(Option<?> option) {
        return lines.getOrDefault(option.key(), line);
    }

    public String path(Option<?> option) {
        return path.isEmpty() ? option.key() : path + "." + option.key();
    }

    public ConfigValues section(Section nested) {
        ConfigValues v = sections.get(nested.key());
        if (v == null) {
            throw new IllegalStateException(path + " declares no section " + nested.key());
        }
        return v;
    }

    /** Whether printing this option's value would leak a secret. */
    public boolean isSecret(Option<?> option) {
        return option.type().secret() || fromSecretSource.contains(option.key());
    }

    /** The value as the effective configuration prints it: masked when secret. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Optional<String> rendered(Option<?> option) {
        Optional<?> v = find(option);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(isSecret(option) ? Secret.MASK : ((OptionType) option.type()).render(v.get()));
    }

    private void check(Option<?> option) {
        if (!section.options().contains(option)) {
            throw new IllegalStateException("section " + section.key() + " does not declare option " + option.key());
        }
    }
}
