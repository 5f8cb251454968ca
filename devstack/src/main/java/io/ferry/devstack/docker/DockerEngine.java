package io.ferry.devstack.docker;

import java.nio.file.Files;
import java.nio.file.Path;

/** Whether a Docker engine answers here, decided cheaply before Testcontainers is even loaded. */
public final class DockerEngine {

    private DockerEngine() {
    }

    public static boolean answers() {
        boolean configured = System.getenv("DOCKER_HOST") != null
                || Files.exists(Path.of("/var/run/docker.sock"))
                || Files.exists(Path.of(System.getProperty("user.home"), ".docker", "run", "docker.sock"))
                || Files.exists(Path.of(System.getProperty("user.home"), ".testcontainers.properties"));
        if (!configured) {
            return false;
        }
        try {
            return org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }
}
