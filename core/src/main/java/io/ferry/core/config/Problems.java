package io.ferry.core.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects every error of one file, so the user sees them all at once, sorted by line. */
public final class Problems {

    private final String file;
    private final List<ConfigError> errors = new ArrayList<>();

    public Problems(String file) {
        this.file = file;
    }

    public String file() {
        return file;
    }

    public void add(ConfigNode at, String message) {
        add(at.line(), at.path(), message);
    }

    public void add(int line, String path, String message) {
        errors.add(new ConfigError(file, line, path, message));
    }

    public boolean isEmpty() {
        return errors.isEmpty();
    }

    public List<ConfigError> errors() {
        return errors.stream().sorted(Comparator.comparingInt(ConfigError::line)).toList();
    }

    /** Throws a {@link ConfigException} holding every error collected, if there is any. */
    public void throwIfAny() {
        if (!errors.isEmpty()) {
            throw new ConfigException(errors());
        }
    }
}
