package io.ferry.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * A group of options under one key, possibly with nested sections (e.g. {@code source.heartbeat}).
 *
 * @param required true when the section must be in the file
 */
public record Section(String key, String description, boolean required, List<Option<?>> options, List<Section> sections) {

    public Section {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(description, "description");
        options = List.copyOf(options);
        sections = List.copyOf(sections);
    }

    public static Section of(String key, String description, boolean required, Option<?>... options) {
        return new Section(key, description, required, List.of(options), List.of());
    }

    public Section with(Section... nested) {
        List<Section> all = new ArrayList<>(sections);
        all.addAll(List.of(nested));
        return new Section(key, description, required, options, all);
    }

    /** Every key this section knows, options and nested sections alike. */
    public List<String> keys() {
        return Stream.concat(options.stream().map(Option::key), sections.stream().map(Section::key)).toList();
    }
}
