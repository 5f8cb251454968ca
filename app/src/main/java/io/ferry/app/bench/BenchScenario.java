package io.ferry.app.bench;

import io.ferry.devstack.Service;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What {@code ferry bench} copies, and between which servers: the same {@code bench} table, 1:1, from a source engine into a
 * target engine. Only PostgreSQL → PostgreSQL has a peer (Debezium's JDBC sink connector) and a floor (logical replication);
 * the others run Ferry alone.
 */
public enum BenchScenario {
    POSTGRES_TO_POSTGRES("postgres-to-postgres", Service.POSTGRES, Service.POSTGRES),
    POSTGRES_TO_CASSANDRA("postgres-to-cassandra", Service.POSTGRES, Service.CASSANDRA),
    MARIADB_TO_MONGODB("mariadb-to-mongodb", Service.MARIADB, Service.MONGODB);

    private final String id;
    private final Service source;
    private final Service target;

    BenchScenario(String id, Service source, Service target) {
        this.id = id;
        this.source = source;
        this.target = target;
    }

    public String id() {
        return id;
    }

    Service source() {
        return source;
    }

    Service target() {
        return target;
    }

    /** The servers devstack starts for it. */
    List<Service> services() {
        return source == target ? List.of(source) : List.of(source, target);
    }

    /** Whether the peer and the floor exist for it: they copy PostgreSQL into PostgreSQL only. */
    public boolean comparable() {
        return this == POSTGRES_TO_POSTGRES;
    }

    /** @throws IllegalArgumentException naming the known scenarios */
    public static BenchScenario of(String id) {
        return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "unknown scenario '" + id + "'; known: " + ids()));
    }

    public static String ids() {
        return Arrays.stream(values()).map(BenchScenario::id).collect(Collectors.joining(", "));
    }
}
