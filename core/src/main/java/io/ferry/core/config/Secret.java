package io.ferry.core.config;

import java.util.Objects;

/** A password or token: prints as {@code ******} everywhere; {@link #reveal()} is for the one place that uses it. */
public final class Secret {

    public static final String MASK = "******";

    private final String value;

    public Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    public String reveal() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && s.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return MASK;
    }
}
