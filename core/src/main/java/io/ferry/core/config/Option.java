package io.ferry.core.config;

import java.util.Objects;

/**
 * One option, declared once: its key, type, default and description. The options reference in
 * config/README.md is generated from these declarations.
 *
 * @param defaultValue the value when the key is absent; null when there is none
 * @param required true when the key must be given
 */
public record Option<T>(String key, OptionType<T> type, T defaultValue, boolean required, String description) {

    public Option {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(description, "description");
        if (required && defaultValue != null) {
            throw new IllegalArgumentException(key + ": a required option has no default");
        }
    }

    public static <T> Option<T> required(String key, OptionType<T> type, String description) {
        return new Option<>(key, type, null, true, description);
    }

    public static <T> Option<T> withDefault(String key, OptionType<T> type, T defaultValue, String description) {
        return new Option<>(key, type, Objects.requireNonNull(defaultValue, "defaultValue"), false, description);
    }

    /** An option that may be left out, with no default: its absence means something (see the description). */
    public static <T> Option<T> optional(String key, OptionType<T> type, String description) {
        return new Option<>(key, type, null, false, description);
    }

    /** The default as the reference prints it. */
    public String renderDefault() {
        if (required) {
            return "(required)";
        }
        return defaultValue == null ? "(none)" : type.render(defaultValue);
    }
}
