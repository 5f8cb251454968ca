package io.ferry.devstack.docker;

import io.ferry.devstack.DevService;
import io.ferry.devstack.Service;
import org.testcontainers.containers.GenericContainer;

/** What every container-backed server shares: host, mapped port, stop. */
abstract class ContainerService implements DevService {

    private final Service kind;
    private final GenericContainer<?> container;
    private final int containerPort;

    ContainerService(Service kind, GenericContainer<?> container, int containerPort) {
        this.kind = kind;
        this.container = container;
        this.containerPort = containerPort;
    }

    @Override
    public Service kind() {
        return kind;
    }

    @Override
    public String host() {
        return container.getHost();
    }

    @Override
    public int port() {
        return container.getMappedPort(containerPort);
    }

    @Override
    public String version() {
        return kind.displayName() + " (" + container.getDockerImageName() + ")";
    }

    /** Docker maps a restarted container to new host ports, which would break connection details. */
    @Override
    public void restart() {
        throw new UnsupportedOperationException("restart keeps ports only with the local provider (-Dferry.services=local)");
    }

    @Override
    public void close() {
        container.stop();
    }
}
