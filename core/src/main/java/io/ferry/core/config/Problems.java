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

    /** Records a problem at a node; a value that came from the environment or a secret file is masked in the message. */
    public void add(ConfigNode at, String message) {
        String safe = message;
        if (at instanceof ConfigNode.Scalar s && s.fromSecretSource() && !s.value().isBlank()) { // blank: nothing to hide, and every space masked
            safe = message.replace(s.value(), Secret.MASK);
        }
        add(at.line(), at.path(), safe);
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
