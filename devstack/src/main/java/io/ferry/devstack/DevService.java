package io.ferry.devstack;

/**
 * A running server that devstack started. Implementations are thread-safe; connection details stay
 * valid across {@link #restart()}, which keeps the data and the port.
 */
public interface DevService extends AutoCloseable {

    Service kind();

    /** Loopback host the server listens on, as clients should dial it. */
    String host();

    int port();

    /** Server product and version, e.g. {@code PostgreSQL 17.6}. */
    String version();

    /**
     * Stops the server and starts it again on the same port with the same data, for tests that prove
     * a component survives its database or broker going away.
     *
     * @throws UnsupportedOperationException where the provider cannot restart in place
     */
    void restart();

    /** Stops the server; idempotent. */
    @Override
    void close();
}
