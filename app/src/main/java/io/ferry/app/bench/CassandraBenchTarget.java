package io.ferry.app.bench;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import com.datastax.oss.driver.api.core.servererrors.ServerError;
import io.ferry.devstack.CassandraService;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A keyspace of devstack's Cassandra as the target. Rows by id are read with {@code IN} lists of at most {@value #IN_LIST}
 * partition keys.
 */
final class CassandraBenchTarget implements BenchTarget {

    private static final int IN_LIST = 100;
    /** IN lists a widened look has in flight at once. */
    private static final int IN_FLIGHT = 4;
    private static final Duration DROP_TIMEOUT = Duration.ofMinutes(2);

    private final CassandraService cassandra;
    private final String keyspace;
    private CqlSession session;

    CassandraBenchTarget(CassandraService cassandra, String keyspace) {
        this.cassandra = cassandra;
        this.keyspace = keyspace;
    }

    private synchronized CqlSession session() {
        if (session == null) {
            session = CqlSession.builder().addContactPoint(new InetSocketAddress(cassandra.host(), cassandra.port()))
                    .withLocalDatacenter(cassandra.localDatacenter())
                    .build();
        }
        return session;
    }

    @Override
    public void create(boolean table) {
        if (table) {
            throw new UnsupportedOperationException("only Ferry writes into Cassandra here; it makes its own table");
        }
        drop(); // Ferry's sink makes the keyspace and the table
    }

    @Override
    public String sinkYaml() {
        return """
                  - name: cassandra
                    type: cassandra
                    contact_points: [%s:%d]
                    local_datacenter: %s
                    keyspace: %s
                    replication_factor: 1
                """.formatted(cassandra.host(), cassandra.port(), cassandra.localDatacenter(), keyspace);
    }

    @Override
    public Reader reader() {
        CqlSession s = session();
        return new Reader() {
            private PreparedStatement names;

            private PreparedStatement statement() {
                if (names == null) {
                    names = s.prepare("SELECT id, name FROM " + keyspace + "." + BenchTable.NAME + " WHERE id IN ?");
                }
                return names;
            }

            /** 20 IN lists a look: a single node on two shared cores answers them in some tens of milliseconds. */
            @Override
            public int idsPerLook() {
                return 2_000;
            }

            /**
             * One IN list at a time: concurrent ones flooded the node (two cores shared with Ferry) and slowed the very sink
             * being measured, p50 from ~160 ms to ~14 s at 500 transactions/s.
             */
            @Override
            public Map<Long, String> names(Collection<Long> ids) {
                return read(ids, 1);
            }

            /**
             * The IN lists of a widened look ({@link ExpectedNames}), {@value #IN_FLIGHT} at a time: the previous look found
             * every row it asked for, so the node is most likely done writing them; one at a time, the looks confirmed ~10,000
             * rows/s and a snapshot's figure was the looks', not Ferry's (session 26: its copy done ~26 s before the look).
             */
            @Override
            public Map<Long, String> namesLikelyThere(Collection<Long> ids) {
                return read(ids, IN_FLIGHT);
            }

            /** The rows of these ids, in IN lists of {@value #IN_LIST}, {@code inFlight} of them at a time. */
            private Map<Long, String> read(Collection<Long> ids, int inFlight) {
                Map<Long, String> out = new HashMap<>();
                try {
                    List<Long> all = new ArrayList<>(ids);
                    java.util.ArrayDeque<java.util.concurrent.CompletionStage<AsyncResultSet>> pending = new java.util.ArrayDeque<>();
                    for (int from = 0; from < all.size(); from += IN_LIST) {
                        if (pending.size() == inFlight) {
                            collect(pending.poll(), out);
                        }
                        pending.add(s.executeAsync(statement().bind(new ArrayList<>(all.subList(from, Math.min(from + IN_LIST, all.size()))))));
                    }
                    while (!pending.isEmpty()) {
                        collect(pending.poll(), out);
                    }
                } catch (InvalidQueryException | ServerError | AllNodesFailedException e) {
                    // no keyspace or table yet, or being made ("Unknown CF" while its schema spreads): nothing arrived yet; a
                    // Cassandra that stays away makes the phase time out (--timeout)
                }
                return out;
            }

            private void collect(java.util.concurrent.CompletionStage<AsyncResultSet> stage, Map<Long, String> out) {
                AsyncResultSet page = await(stage);
                while (true) {
                    for (Row r : page.currentPage()) {
                        out.put(r.getLong(0), r.getString(1));
                    }
                    if (!page.hasMorePages()) {
                        return;
                    }
                    page = await(page.fetchNextPage());
                }
            }

            /** The request's outcome; its failure as the driver's own exception, as {@code execute} throws it. */
            private static AsyncResultSet await(java.util.concurrent.CompletionStage<AsyncResultSet> stage) {
                try {
                    return stage.toCompletableFuture().join();
                } catch (java.util.concurrent.CompletionException e) {
                    if (e.getCause() instanceof RuntimeException cause) {
                        throw cause;
                    }
                    throw e;
                }
            }

            @Override
            public void close() {
                // the session is the target's
            }
        };
    }

    @Override
    public void drop() {
        session().execute(SimpleStatement.newInstance("DROP KEYSPACE IF EXISTS " + keyspace).setTimeout(DROP_TIMEOUT));
    }

    @Override
    public synchronized void close() {
        if (session != null) {
            session.close();
            session = null;
        }
    }
}
