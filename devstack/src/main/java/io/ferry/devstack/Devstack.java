package io.ferry.devstack;

import io.ferry.devstack.docker.DockerServers;
import io.ferry.devstack.local.LocalServers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The set of servers one JVM uses. Servers start on first demand, several in parallel, and stay up
 * until {@link #close()} (or JVM exit) stops them in reverse order. Thread-safe.
 */
public final class Devstack implements AutoCloseable {

    /** System property naming the directory that holds server data; default: a temporary directory. */
    public static final String DATA_DIR_PROPERTY = "ferry.devstack.dir";

    private static final Logger log = LoggerFactory.getLogger(Devstack.class);

    private final Provider provider;
    private final ServerFactory factory;
    private final Map<Service, CompletableFuture<DevService>> servers = new ConcurrentHashMap<>();
    private final List<DevService> startOrder = new ArrayList<>();
    private final ExecutorService starter = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "devstack-start");
        t.setDaemon(true);
        return t;
    });
    private final Thread shutdownHook = new Thread(this::stopAll, "devstack-shutdown");
    private volatile boolean closed;

    private Devstack(Provider provider, ServerFactory factory) {
        this.provider = provider;
        this.factory = factory;
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** A devstack with the provider of {@code -Dferry.services} and data under {@code -Dferry.devstack.dir}. */
    public static Devstack fromSystemProperties() {
        String dir = System.getProperty(DATA_DIR_PROPERTY);
        Path dataDir = dir == null || dir.isBlank()
                ? Path.of(System.getProperty("java.io.tmpdir"), "ferry-devstack-" + System.getProperty("user.name"))
                : Path.of(dir);
        return create(Provider.fromSystemProperty(), dataDir);
    }

    public static Devstack create(Provider provider, Path dataDir) {
        ServerFactory factory = provider == Provider.LOCAL ? new LocalServers(dataDir) : new DockerServers();
        log.info("devstack: {} servers, data under {}", provider.name().toLowerCase(java.util.Locale.ROOT), dataDir);
        return new Devstack(provider, factory);
    }

    public Provider provider() {
        return provider;
    }

    /** Starts every listed server that is not running yet, in parallel, and waits for all of them. */
    public void ensure(Collection<Service> kinds) {
        List<CompletableFuture<DevService>> pending = kinds.stream().map(this::future).toList();
        for (CompletableFuture<DevService> f : pending) {
            join(f);
        }
    }

    /** The running server of that kind, started now if needed. */
    public DevService get(Service kind) {
        return join(future(kind));
    }

    public PostgresService postgres() {
        return (PostgresService) get(Service.POSTGRES);
    }

    public MysqlService mariadb() {
        return (MysqlService) get(Service.MARIADB);
    }

    /** Real MySQL with the docker provider; locally the MariaDB server stands in. */
    public MysqlService mysql() {
        return (MysqlService) get(Service.MYSQL);
    }

    public KafkaService kafka() {
        return (KafkaService) get(Service.KAFKA);
    }

    public CassandraService cassandra() {
        return (CassandraService) get(Service.CASSANDRA);
    }

    public MongoService mongodb() {
        return (MongoService) get(Service.MONGODB);
    }

    private CompletableFuture<DevService> future(Service kind) {
        if (closed) {
            throw new IllegalStateException("devstack is closed");
        }
        // Locally one MariaDB serves both kinds: there is no MySQL server to be had without Docker.
        Service key = provider == Provider.LOCAL && kind == Service.MYSQL ? Service.MARIADB : kind;
        return servers.computeIfAbsent(key, k -> CompletableFuture.supplyAsync(() -> startNow(k), starter));
    }

    private DevService startNow(Service kind) {
        long t0 = System.nanoTime();
        DevService server = factory.start(kind);
        synchronized (startOrder) {
            if (closed) {
                // close() ran while this server was starting: it is not in the list close() stopped
                server.close();
                throw new IllegalStateException("devstack closed while " + kind.displayName() + " was starting");
            }
            startOrder.add(server);
        }
        log.info("devstack: {} ready on {}:{} in {} ms", server.version(), server.host(), server.port(),
                (System.nanoTime() - t0) / 1_000_000);
        return server;
    }

    private static DevService join(CompletableFuture<DevService> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }

    @Override
    public void close() {
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or has run; nothing left to do
        }
    }

    private void stopAll() {
        List<DevService> toStop;
        synchronized (startOrder) {
            closed = true;
            toStop = new ArrayList<>(startOrder);
            startOrder.clear();
        }
        for (int i = toStop.size() - 1; i >= 0; i--) {
            DevService server = toStop.get(i);
            try {
                server.close();
                log.info("devstack: {} stopped", server.version());
            } catch (RuntimeException e) {
                log.warn("devstack: stopping {} failed", server.version(), e);
            }
        }
        starter.shutdownNow();
    }
}
