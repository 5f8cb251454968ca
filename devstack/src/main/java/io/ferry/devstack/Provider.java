package io.ferry.devstack;

import io.ferry.devstack.docker.DockerEngine;
import java.util.Locale;

/** Where servers come from: local processes from Maven artifacts, or Docker images via Testcontainers. */
public enum Provider {
    LOCAL,
    DOCKER;

    /** The system property that selects the provider: {@code local}, {@code docker} or {@code auto}. */
    public static final String PROPERTY = "ferry.services";

    /**
     * Reads {@value #PROPERTY} (default {@code auto}); {@code auto} means docker when a Docker engine
     * answers and local otherwise.
     */
    public static Provider fromSystemProperty() {
        return parse(System.getProperty(PROPERTY, "auto"));
    }

    static Provider parse(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "local" -> LOCAL;
            case "docker" -> DOCKER;
            case "auto", "" -> DockerEngine.answers() ? DOCKER : LOCAL;
            default -> throw new IllegalArgumentException(
                    "-D" + PROPERTY + " must be local, docker or auto, not '" + value + "'");
        };
    }
}
