package io.ferry.devstack.local;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import io.ferry.devstack.MongoService;
import io.ferry.devstack.Service;
import java.nio.file.Path;

/**
 * mongo-java-server in this JVM: MongoDB's wire protocol over an H2 file, so a restart keeps the
 * data. It has no multi-document transactions, no change streams and partial {@code arrayFilters}.
 */
public final class LocalMongo implements MongoService {

    private final Path file;
    private final int port;
    private MongoServer server;

    private LocalMongo(Path file, int port) {
        this.file = file;
        this.port = port;
    }

    static LocalMongo start(InstanceDirs dirs) {
        LocalMongo mongo = new LocalMongo(dirs.create("mongodb", false).resolve("mongo.mv"), FreePorts.next());
        mongo.launch();
        return mongo;
    }

    private synchronized void launch() {
        server = new MongoServer(new H2Backend(file.toString()));
        server.bind(host(), port);
    }

    @Override
    public Service kind() {
        return Service.MONGODB;
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String version() {
        return "mongo-java-server (MongoDB wire protocol, H2 backend)";
    }

    @Override
    public String connectionString() {
        return "mongodb://" + host() + ":" + port;
    }

    @Override
    public boolean isRealMongo() {
        return false;
    }

    @Override
    public synchronized void restart() {
        stop();
        launch();
    }

    @Override
    public synchronized void close() {
        stop();
    }

    private void stop() {
        if (server != null) {
            server.shutdownNow();
            server = null;
        }
    }
}
