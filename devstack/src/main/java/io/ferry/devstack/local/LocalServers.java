package io.ferry.devstack.local;

import io.ferry.devstack.DevService;
import io.ferry.devstack.ServerFactory;
import io.ferry.devstack.Service;
import java.nio.file.Path;

/** The local provider: every server from Maven artifacts, data under one directory, no Docker. */
public final class LocalServers implements ServerFactory {

    private final InstanceDirs dirs;

    public LocalServers(Path dataDir) {
        this.dirs = new InstanceDirs(dataDir);
    }

    @Override
    public DevService start(Service kind) {
        return switch (kind) {
            case POSTGRES -> LocalPostgres.start(dirs);
            case MARIADB, MYSQL -> LocalMariaDb.start(dirs);
            case KAFKA -> LocalKafka.start(dirs);
            case CASSANDRA -> LocalCassandra.start(dirs);
            case MONGODB -> LocalMongo.start(dirs);
        };
    }
}
