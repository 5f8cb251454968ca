package io.ferry.sinks.cassandra;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.auth.AuthenticationException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.ferry.core.config.Option;
import io.ferry.core.config.OptionTypes;
import io.ferry.core.config.Secret;
import io.ferry.core.spi.Sink;
import io.ferry.core.spi.SinkContext;
import io.ferry.core.spi.SinkFactory;
import io.ferry.sinks.runtime.CommonSinkOptions;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** The {@code cassandra} sink. */
public final class CassandraSinkFactory implements SinkFactory {

    static final Option<List<String>> CONTACT_POINTS = Option.withDefault("contact_points", OptionTypes.stringList(),
            List.of("127.0.0.1:9042"), "Cassandra nodes to contact first (host:port).");
    static final Option<String> LOCAL_DATACENTER = Option.withDefault("local_datacenter", OptionTypes.string(), "datacenter1",
            "The data center the driver treats as local.");
    static final Option<String> KEYSPACE = Option.required("keyspace", OptionTypes.string("[a-zA-Z][a-zA-Z0-9_]{0,47}", "a keyspace name"),
            "Keyspace of the target tables; created (SimpleStrategy) when missing and create_tables is true.");
    static final Option<Integer> REPLICATION_FACTOR = Option.withDefault("replication_factor", OptionTypes.integer(1, 32), 3,
            "Replication factor of a keyspace Ferry creates.");
    static final Option<String> USER = Option.optional("user", OptionTypes.string(), "User for password authentication.");
    static final Option<Secret> PASSWORD = Option.optional("password", OptionTypes.secret(), "Password of that user.");
    static final Option<Integer> CONCURRENCY = Option.withDefault("concurrency", OptionTypes.integer(1, 4096), 256,
            "Most statements in flight at once.");
    static final Option<ZoneId> NAIVE_TIME_ZONE = Option.withDefault("naive_time_zone", OptionTypes.zone(), ZoneId.of("UTC"),
            "Zone in which timestamps without time zone become Cassandra timestamps (set it to the source's time_zone).");
    static final Option<Duration> REQUEST_TIMEOUT = Option.withDefault("request_timeout", OptionTypes.duration(), Duration.ofSeconds(30),
            "How long one statement may take.");

    @Override
    public String identifier() {
        return "cassandra";
    }

    @Override
    public String description() {
        return "Cassandra, with prepared statements USING TIMESTAMP, asynchronous and token-aware.";
    }

    @Override
    public List<Option<?>> options() {
        List<Option<?>> all = new ArrayList<>(List.of(CONTACT_POINTS, LOCAL_DATACENTER, KEYSPACE, REPLICATION_FACTOR, USER, PASSWORD,
                CONCURRENCY, NAIVE_TIME_ZONE, REQUEST_TIMEOUT));
        all.addAll(CommonSinkOptions.ALL);
        return all;
    }

    /** Every node's every error, not only the first node's first (which is all the driver's own message shows). */
    static String nodeErrors(AllNodesFailedException e) {
        return e.getAllErrors().entrySet().stream()
                .map(node -> node.getKey().getEndPoint() + ": " + node.getValue().stream()
                        .map(t -> t.getClass().getSimpleName() + ": " + t.getMessage())
                        .collect(Collectors.joining("; ")))
                .collect(Collectors.joining(" | "));
    }

    @Override
    public Sink create(SinkContext context) {
        var o = context.options();
        Duration timeout = o.get(REQUEST_TIMEOUT);
        DriverConfigLoader config = DriverConfigLoader.programmaticBuilder()
                .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, timeout)
                .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, timeout)
                .withDuration(DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, timeout)
                .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(10))
                .build();
        CqlSessionBuilder builder = CqlSession.builder().withConfigLoader(config).withLocalDatacenter(o.get(LOCAL_DATACENTER));
        for (String point : o.get(CONTACT_POINTS)) {
            int colon = point.lastIndexOf(':');
            builder.addContactPoint(colon < 0 ? new InetSocketAddress(point, 9042)
                    : new InetSocketAddress(point.substring(0, colon), Integer.parseInt(point.substring(colon + 1))));
        }
        o.find(USER).ifPresent(u -> builder.withAuthCredentials(u, o.find(PASSWORD).map(Secret::reveal).orElse("")));
        CqlSession session;
        try {
            session = builder.build();
        } catch (AllNodesFailedException e) {
            String nodes = " at contact_points " + o.get(CONTACT_POINTS) + " (local_datacenter " + o.get(LOCAL_DATACENTER) + "): "
                    + (e.getAllErrors().isEmpty() ? e.getMessage() : nodeErrors(e));
            boolean refusedCredentials = !e.getAllErrors().isEmpty() && e.getAllErrors().values().stream().flatMap(List::stream)
                    .allMatch(t -> t instanceof AuthenticationException);
            if (refusedCredentials) {
                // configuration: trying again will not help
                throw new IllegalStateException("sink " + context.sinkName() + ": Cassandra refused the credentials" + nodes
                        + "; check user and password", e);
            }
            // not an IllegalStateException: a bulk copy tries again after a pause (a node restarting is not a configuration error)
            throw new CassandraUnreachableException("sink " + context.sinkName() + ": cannot reach Cassandra" + nodes
                    + "; check that the nodes are up and that contact_points and local_datacenter name them", e);
        }
        String keyspace = o.get(KEYSPACE);
        if (o.get(CommonSinkOptions.CREATE_TABLES)) {
            try {
                session.execute(SimpleStatement.newInstance("CREATE KEYSPACE IF NOT EXISTS \"" + keyspace + "\" WITH replication = "
                        + "{'class': 'SimpleStrategy', 'replication_factor': " + o.get(REPLICATION_FACTOR) + "}"));
            } catch (RuntimeException e) {
                try {
                    session.close();
                } catch (RuntimeException closing) {
                    e.addSuppressed(closing);
                }
                throw e;
            }
        }
        return new CassandraSink(session, keyspace, context, o.get(CONCURRENCY), o.get(NAIVE_TIME_ZONE),
                o.get(CommonSinkOptions.CREATE_TABLES), o.get(CommonSinkOptions.EVOLUTION));
    }

    /** No contact point answered: a transient condition (a copy is tried again), named with the setting and every node's error. */
    static final class CassandraUnreachableException extends RuntimeException {
        CassandraUnreachableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
