package io.ferry.core.config;

/** One problem in a pipeline file: where it is and what to do about it. */
public record ConfigError(String file, int line, String path, String message) {

    @Override
    public String toString() {
        return file + ":" + line + ": " + (path.isEmpty() ? "" : path + ": ") + message;
    }
}
