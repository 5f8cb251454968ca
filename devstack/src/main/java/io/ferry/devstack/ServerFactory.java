package io.ferry.devstack;

/** Starts servers for one provider (local processes or Docker containers). */
public interface ServerFactory {

    /**
     * Starts a server of the given kind and returns once it accepts clients. Called at most once per
     * kind by {@link Devstack}, possibly from several threads for different kinds.
     */
    DevService start(Service kind);
}
