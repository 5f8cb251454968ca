package io.ferry.core.config;

import java.util.List;

/** A pipeline file with one or more errors; the message lists them all, one per line, in file order. */
public class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient List<ConfigError> errors;

    public ConfigException(List<ConfigError> errors) {
        super(errors.size() + (errors.size() == 1 ? " error" : " errors") + " in the pipeline file:\n  "
                + String.join("\n  ", errors.stream().map(ConfigError::toString).toList()));
        this.errors = List.copyOf(errors);
    }

    public List<ConfigError> errors() {
        return errors;
    }
}
