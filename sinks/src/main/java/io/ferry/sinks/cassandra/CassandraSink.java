package io.ferry.sinks.cassandra;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.NoNodeAvailableException;
import com.datastax.oss.driver.api.core.connection.FrameTooLongException;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.servererrors.BootstrappingException;
import com.datastax.oss.driver.api.core.servererrors.CoordinatorException;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import com.datastax.oss.driver.api.core.servererrors.QueryExecutionException;
import com.datastax.oss.driver.api.core.servererrors.QueryValidationException;
import com.datastax.oss.driver.api.core.servererrors.UnauthorizedException;
import com.datastax.oss.driver.api.core.type.ListType;
import com.datastax.oss.driver.api.core.type.codec.CodecNotFoundException;
import io.ferry.core.event.Row;
import io.ferry.core.event.SourceInfo;
import io.ferry.core.event.TargetEvent;
import io.ferry.core.schema.Column;
import io.ferry.core.spi.EvolutionPolicy;
import io.ferry.core.spi.KeyRange;
import io.ferry.core.spi.RowReader;
import io.ferry.core.spi.Sink;
import io.ferry.core.spi.SinkContext;
import io.ferry.core.spi.SinkWriteException;
import io.ferry.core.spi.TableManager;
import io.ferry.core.spi.TargetTable;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes target events into Cassandra: each upsert an {@code INSERT … USING TIMESTAMP}, each delete a
 * {@code DELETE … USING TIMESTAMP}, prepared once per table and column set, executed asynchronously with
 * at most {@code concurrency} statements in flight (the driver routes each to a replica of its token).
 * The write timestamp is capture's stamp ({@code source.stampUs}: the commit time in microseconds, made
 * strictly increasing along the log; transform raises it where a recomputed row needs it, so it also grows in
 * transform's output order), so it grows per key in commit order — a delete and a re-insert in one transaction do
 * not tie — and a replayed older change never overwrites a newer one.
 */
public final class CassandraSink implements Sink, TableManager, RowReader {

    private static final Logger log = LoggerFactory.getLogger(CassandraSink.class);

    private final CqlSession session;
    private final String keyspace;
    private final SinkContext context;
    private final int concurrency;
    private final ZoneId naiveZone;
    private final boolean createTables;
    private final EvolutionPolicy policy;
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    /** Per prepared statement (by identity), whether its writes may be marked idempotent ({@link #writesNoList}). */
    private final Map<PreparedStatement, Boolean> idempotent = new java.util.IdentityHashMap<>();
    private final Map<String, Set<String>> ignoredColumns = new HashMap<>();
    private final Set<String> prepared = new HashSet<>();
    private final Map<String, TargetTable> checked = new HashMap<>();

    CassandraSink(CqlSession session, String keyspace, SinkContext context, int concurrency, ZoneId naiveZone,
            boolean createTables, EvolutionPolicy policy) {
        this.session = session;
        this.keyspace = keyspace;
        this.context = context;
        this.concurrency = concurrency;
        this.naiveZone = naiveZone;
        this.createTables = createTables;
        this.policy = policy;
    }

    /** The write timestamp of a change: capture's stamp; for unstamped events the commit time plus the place in the transaction. */
    static long writeTimestamp(SourceInfo source) {
        return source.stampUs() > 0 ? source.stampUs() : source.tsUs() + source.txSeq();
    }

    @Override
    public void write(List<TargetEvent> batch) throws SinkWriteException {
        Map<Integer, String> rejected = new TreeMap<>();
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        List<Integer> pendingIndex = new ArrayList<>();
        Semaphore inFlight = new Semaphore(concurrency);
        for (int i = 0; i < batch.size(); i++) {
            TargetEvent e = batch.get(i);
            BoundStatement statement;
            try {
                if (e instanceof TargetEvent.Delete d && !holdable(d)) {
                    log.debug("sink {}: nothing to delete in {}: Cassandra cannot hold the key {}", context.sinkName(), d.table(), d.key());
                    continue;
                }
                statement = bind(e);
            } catch (IllegalArgumentException ex) {
                rejected.put(i, "Cassandra cannot hold a value: " + ex.getMessage());
                continue;
            } catch (ArithmeticException | java.time.DateTimeException | ClassCastException ex) {
                // the record's value, not the target: an interval beyond a duration's nanoseconds, say (retried, it would
                // hold the table's stream for ever)
                rejected.put(i, "Cassandra cannot hold a value: " + ex);
                continue;
            } catch (RuntimeException ex) {
                if (transientError(ex)) {
                    throw SinkWriteException.transientFailure("Cassandra unavailable: " + ex.getMessage(), ex);
                }
                if (targetStateError(ex)) {
                    // a statement prepared for a table or column dropped underneath since it was checked: check it again
                    throw refusedTable(Objects.requireNonNullElse(e.table(), ""), ex);
                }
                throw ex;
            }
            if (statement == null) {
                rejected.put(i, "Cassandra takes no patch events (nested documents need a document target)");
                continue;
            }
            inFlight.acquireUninterruptibly();
            CompletionStage<AsyncResultSet> stage = session.executeAsync(statement);
            pending.add(stage.toCompletableFuture().<Void>thenApply(rs -> null).whenComplete((ok, err) -> inFlight.release()));
            pendingIndex.add(i);
        }
        SinkWriteException transientFailure = null;
        for (int j = 0; j < pending.size(); j++) {
            try {
                pending.get(j).join();
            } catch (CompletionException ex) {
                Throwable cause = ex.getCause();
                if (transientError(cause)) {
                    transientFailure = SinkWriteException.transientFailure("Cassandra unavailable: " + cause.getMessage(), cause);
                } else if (targetStateError(cause)) {
                    // the target's, whatever the record: retried (the table checked again first), never dead-lettered
                    transientFailure = refusedTable(Objects.requireNonNullElse(batch.get(pendingIndex.get(j)).table(), ""), cause);
                } else {
                    rejected.put(pendingIndex.get(j), "Cassandra refused it: " + cause.getMessage());
                }
            }
        }
        if (transientFailure != null) {
            throw transientFailure;
        }
        if (!rejected.isEmpty()) {
            throw SinkWriteException.rejected(rejected, null);
        }
    }

    /** A write the table's state refused: the table is checked again (and its statements prepared again) before the retry. */
    private SinkWriteException refusedTable(String table, Throwable cause) {
        checked.remove(table);
        statements.keySet().removeIf(k -> k.startsWith(table + "|"));
        idempotent.clear();
        return SinkWriteException.transientFailure("Cassandra refused the table " + keyspace + "." + table + " (" + cause.getMessage()
                + "): retried until it is fixed", cause);
    }

    /**
     * Whether the same write may succeed later: no node answered in time, or the node said so (a timeout, unavailable,
     * overloaded, bootstrapping); and every failure of the driver's own that is not a node's answer (a connection closed
     * or lost its heartbeat during a node's restart, a busy or throttled connection). Statements without a list are
     * idempotent (their {@code USING TIMESTAMP} makes a repeat harmless), so the driver also tries such a request on
     * another node first.
     */
    static boolean transientError(Throwable e) {
        if (e instanceof AllNodesFailedException all && !(e instanceof NoNodeAvailableException) && !all.getAllErrors().isEmpty()) {
            // every node tried failed: transient only if some node's failure is (a record every node refuses, a mutation
            // too large, say, is the record's: retried, it would hold the table's stream for ever)
            return all.getAllErrors().values().stream().flatMap(List::stream).anyMatch(CassandraSink::transientError);
        }
        return e instanceof AllNodesFailedException || e instanceof DriverTimeoutException || e instanceof NoNodeAvailableException
                || e instanceof QueryExecutionException || e instanceof BootstrappingException
                || (e instanceof DriverException && !(e instanceof CoordinatorException) && !(e instanceof CodecNotFoundException)
                        && !(e instanceof FrameTooLongException));
    }

    /**
     * Whether a node refused the write for the table's sake, not the record's: a permission missing, the table or a column
     * dropped underneath (checked again, and made again under {@code create_tables}, before the retry).
     */
    static boolean targetStateError(Throwable e) {
        if (e instanceof UnauthorizedException) {
            return true;
        }
        String message = e.getMessage() == null ? "" : e.getMessage().toLowerCase(java.util.Locale.ROOT);
        return e instanceof InvalidQueryException && (message.contains("unconfigured table") || message.contains("undefined column")
                || message.contains("does not exist"));
    }

    private BoundStatement bind(TargetEvent e) {
        if (e instanceof TargetEvent.Upsert u) {
            TargetTable table = table(u.table());
            Set<String> ignored = ignoredColumns.getOrDefault(table.name(), Set.of());
            List<Column> columns = table.columns().stream().filter(c -> u.row().has(c.name()) && !ignored.contains(c.name())).toList();
            PreparedStatement ps = statements.computeIfAbsent(table.name() + "|" + columns.stream().map(Column::name)
                    .collect(Collectors.joining(",")), k -> session.prepare("INSERT INTO " + qualified(table.name()) + " ("
                    + columns.stream().map(c -> quote(c.name())).collect(Collectors.joining(", ")) + ") VALUES ("
                    + columns.stream().map(c -> "?").collect(Collectors.joining(", ")) + ") USING TIMESTAMP ?"));
            List<Object> values = new ArrayList<>();
            for (Column c : columns) {
                values.add(CassandraTypes.toDriver(c.name(), c.type(), u.row().get(c.name()), naiveZone));
            }
            values.add(writeTimestamp(u.source()));
            return bind(ps, values);
        }
        if (e instanceof TargetEvent.Delete d) {
            TargetTable table = table(d.table());
            PreparedStatement ps = statements.computeIfAbsent(table.name() + "|delete", k -> session.prepare("DELETE FROM "
                    + qualified(table.name()) + " USING TIMESTAMP ? WHERE " + table.key().stream().map(c -> quote(c) + " = ?")
                    .collect(Collectors.joining(" AND "))));
            List<Object> values = new ArrayList<>();
            values.add(writeTimestamp(d.source()));
            for (String k : table.key()) {
                Column c = column(table, k);
                values.add(CassandraTypes.toDriver(c.name(), c.type(), d.key().get(k), naiveZone));
            }
            return bind(ps, values);
        }
        return null;
    }

    /**
     * Binds the values, idempotent unless the statement writes a list. A column whose type the mapped one outgrew (a source
     * integer widened: Cassandra cannot change a column's type) takes the value converted to its own type when it holds
     * it, and refuses it (a dead letter naming the column) when it does not.
     */
    private BoundStatement bind(PreparedStatement ps, List<Object> values) {
        boolean listless = idempotent.computeIfAbsent(ps, CassandraSink::writesNoList);
        try {
            return ps.bind(values.toArray()).setIdempotent(listless);
        } catch (CodecNotFoundException mismatch) {
            var variables = ps.getVariableDefinitions();
            Object[] adapted = new Object[values.size()];
            for (int i = 0; i < adapted.length; i++) {
                adapted[i] = CassandraTypes.toColumnType(variables.get(i).getName().asInternal(), variables.get(i).getType(), values.get(i));
            }
            try {
                return ps.bind(adapted).setIdempotent(listless);
            } catch (CodecNotFoundException still) {
                throw new IllegalArgumentException("a value's type is not its Cassandra column's (" + still.getMessage() + "); Cassandra"
                        + " cannot change a column's type: make the table again with the mapped types", still);
            }
        }
    }

    /**
     * Whether a statement may be marked idempotent: a non-frozen list column (a table made before session 30, or by hand) is
     * not, since each write appends its elements under new cell ids, so the driver must not send a write twice (Ferry's own
     * retry of a batch, or a replay after a crash, still can: the tables Ferry makes have frozen lists). A prepared
     * statement's variables do not say whether a list is frozen, so no statement writing a list is.
     */
    private static boolean writesNoList(PreparedStatement ps) {
        for (var variable : ps.getVariableDefinitions()) {
            if (variable.getType() instanceof ListType) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether Cassandra can hold every value of a delete's key. A row with a key it cannot hold (a date of infinity)
     * was never written: its upsert went to the dead-letter topic. Deleting it later, when the source row is repaired
     * or deleted, finds nothing to remove, and must not be a second dead letter the operator cannot act on.
     */
    private boolean holdable(TargetEvent.Delete d) {
        TargetTable table = table(d.table());
        List<Column> key = table.key().stream().map(k -> column(table, k)).toList();
        try {
            for (Column c : key) {
                CassandraTypes.toDriver(c.name(), c.type(), d.key().get(c.name()), naiveZone);
            }
            return true;
        } catch (IllegalArgumentException cannotHold) {
            return false;
        }
    }

    private TargetTable table(String name) {
        TargetTable table = context.targetTables().get(name);
        if (table == null) {
            throw new IllegalArgumentException("no mapping defines target table '" + name + "'");
        }
        if (!table.equals(checked.get(name))) {
            ensureOrStop(table, policy);
            checked.put(name, table);
        }
        return table;
    }

    private static Column column(TargetTable table, String name) {
        return table.columns().stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(table.name() + " has no column " + name));
    }

    private String qualified(String table) {
        return quote(keyspace) + "." + quote(table);
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    @Override
    public void ensureTable(TargetTable table, EvolutionPolicy evolution) throws SinkWriteException {
        try {
            ensureOrStop(table, evolution);
        } catch (RuntimeException e) {
            if (transientError(e)) {
                throw SinkWriteException.transientFailure("Cassandra unavailable: " + e.getMessage(), e);
            }
            throw e;
        }
    }

    /**
     * Creates or changes the table as the policy says. A statement Cassandra refuses (a column re-added with another type
     * than a dropped one had, a missing permission) stops the sink naming the table, the statement's error and the fix, as
     * the SQL sinks do: no record of the table could be written until someone fixes it (it was retried for ever, with a
     * stack trace a second).
     */
    private void ensureOrStop(TargetTable table, EvolutionPolicy evolution) {
        try {
            ensure(table, evolution);
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            if (transientError(e) || (targetStateError(e) && !(e instanceof UnauthorizedException))) {
                throw e; // unavailable, or the table dropped meanwhile: retried, the table checked again
            }
            throw new IllegalStateException("sink " + context.sinkName() + ": cannot create or change Cassandra table " + keyspace + "."
                    + table.name() + ": " + e.getMessage() + " (fix it in the target, e.g. a missing permission, or a column"
                    + " dropped earlier with another type, which Cassandra will not add again under its name; or create the table"
                    + " yourself; then restart Ferry)", e);
        }
    }

    private void ensure(TargetTable table, EvolutionPolicy evolution) {
        ResultSet rs = session.execute(SimpleStatement.newInstance("SELECT column_name FROM system_schema.columns WHERE keyspace_name = ? "
                + "AND table_name = ?", keyspace, table.name()));
        Set<String> existing = new HashSet<>();
        rs.forEach(r -> existing.add(r.getString(0)));
        if (existing.isEmpty()) {
            if (!createTables) {
                throw new IllegalStateException("Cassandra table " + keyspace + "." + table.name() + " does not exist: create it, or set "
                        + "create_tables: true");
            }
            StringBuilder ddl = new StringBuilder("CREATE TABLE IF NOT EXISTS " + qualified(table.name()) + " (");
            for (Column c : table.columns()) {
                ddl.append(quote(c.name())).append(' ').append(CassandraTypes.cql(c.type())).append(", ");
            }
            ddl.append("PRIMARY KEY ((").append(table.partitionKey().stream().map(CassandraSink::quote).collect(Collectors.joining(", ")))
                    .append(")");
            for (String c : table.clusteringKey()) {
                ddl.append(", ").append(quote(c));
            }
            ddl.append("))");
            if (!table.clusteringKey().isEmpty()) {
                List<String> order = new ArrayList<>();
                for (int i = 0; i < table.clusteringKey().size(); i++) {
                    order.add(quote(table.clusteringKey().get(i)) + (table.clusteringDescending().get(i) ? " DESC" : " ASC"));
                }
                ddl.append(" WITH CLUSTERING ORDER BY (").append(String.join(", ", order)).append(")");
            }
            session.execute(SimpleStatement.newInstance(ddl.toString()));
            log.info("created Cassandra table {}.{}", keyspace, table.name());
        } else {
            List<Column> missing = table.columns().stream().filter(c -> !existing.contains(c.name())).toList();
            if (!missing.isEmpty()) {
                switch (evolution) {
                    case EVOLVE -> missing.forEach(c -> session.execute(SimpleStatement.newInstance("ALTER TABLE " + qualified(table.name())
                            + " ADD " + quote(c.name()) + " " + CassandraTypes.cql(c.type()))));
                    case IGNORE -> ignoredColumns.put(table.name(), missing.stream().map(Column::name).collect(Collectors.toSet()));
                    case FAIL -> throw new IllegalStateException("Cassandra table " + keyspace + "." + table.name() + " lacks column(s) "
                            + missing.stream().map(Column::name).toList() + " and evolution is fail: add them, or set evolution: evolve (or ignore)");
                }
            }
        }
        statements.keySet().removeIf(k -> k.startsWith(table.name() + "|"));
        idempotent.clear();
        if (prepared.add(table.name())) {
            io.ferry.sinks.runtime.MillisecondKeys.warning(context.sinkName(), "Cassandra", table).ifPresent(log::warn);
        }
    }

    @Override
    public void read(String tableName, KeyRange range, Consumer<Row> rows) throws SinkWriteException {
        TargetTable table = context.targetTables().get(tableName);
        if (table == null) {
            throw new IllegalArgumentException("no mapping defines target table '" + tableName + "'");
        }
        String select = "SELECT " + table.columns().stream().map(c -> quote(c.name())).collect(Collectors.joining(", ")) + " FROM "
                + qualified(tableName);
        SimpleStatement statement;
        if (range instanceof KeyRange.Tokens tokens) {
            String token = "token(" + table.partitionKey().stream().map(CassandraSink::quote).collect(Collectors.joining(", ")) + ")";
            statement = SimpleStatement.newInstance(select + " WHERE " + token + " > ? AND " + token + " <= ?", tokens.fromExclusive(),
                    tokens.toInclusive());
        } else if (range instanceof KeyRange.Keys) {
            throw new IllegalArgumentException("Cassandra is read back by token range, not key range");
        } else {
            statement = SimpleStatement.newInstance(select);
        }
        try {
            for (com.datastax.oss.driver.api.core.cql.Row r : session.execute(statement.setPageSize(5_000))) {
                Row.Builder row = Row.builder();
                for (int i = 0; i < table.columns().size(); i++) {
                    Column c = table.columns().get(i);
                    row.put(c.name(), CassandraTypes.fromDriver(r, i, c.type(), naiveZone));
                }
                rows.accept(row.build());
            }
        } catch (RuntimeException e) {
            if (transientError(e)) {
                throw SinkWriteException.transientFailure("Cassandra unavailable: " + e.getMessage(), e);
            }
            throw e;
        }
    }

    @Override
    public void close() {
        session.close();
    }
}
