package io.ferry.sinks.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.core.event.Row;
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
import io.ferry.core.types.ColumnType;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes target events into a relational database: upserts as multi-row {@code INSERT … ON CONFLICT /
 * ON DUPLICATE KEY UPDATE} statements grouped by table and column set, deletes as {@code DELETE … WHERE key IN
 * (…)}, a batch in one transaction. A batch that fails on data is written again event by event to name the
 * events that can never be written. Not thread-safe: the runtime calls it from one thread.
 */
public final class JdbcSink implements Sink, TableManager, RowReader {

    private static final Logger log = LoggerFactory.getLogger(JdbcSink.class);
    /** Upsert groups at least this large go through the target's bulk path, where it has one. */
    static final int BULK_ROWS = 500;
    /**
     * Bounds on a connect and on each wait for the server's answer to a write: a server that stops answering (a host gone
     * without closing its sockets) held a write for ever. A widening {@code ALTER TABLE} waits without a bound (it may
     * rewrite a large table), a read ({@link #read}: validation, a bulk copy's source) up to {@link #STREAM_TIMEOUT} for
     * each answer (a whole table sorted before its first row).
     */
    static final java.time.Duration CONNECT_TIMEOUT = java.time.Duration.ofSeconds(10);
    static final java.time.Duration READ_TIMEOUT = java.time.Duration.ofMinutes(30);
    static final java.time.Duration STREAM_TIMEOUT = java.time.Duration.ofHours(6);
    /** Rows a read back fetches at a time: the driver holds one batch, not the whole table. */
    static final int READ_FETCH_ROWS = 1_000;

    private final JdbcDialect dialect;
    private final String url;
    private final Properties credentials;
    private final String configuredSchema;
    private final SinkContext context;
    private final boolean createTables;
    private final EvolutionPolicy policy;
    private final Map<String, Set<String>> ignoredColumns = new HashMap<>();
    /**
     * Per table, decimal columns that keep fewer digits than their mapped type (made by hand, or a widening the target
     * refused or the policy left): a value with more is refused (dead-lettered), not rounded by the target without a word.
     */
    private final Map<String, Map<String, ColumnWidening.TargetColumn>> narrowDecimals = new HashMap<>();
    private final Set<String> prepared = new HashSet<>();
    private final Map<String, TargetTable> checked = new HashMap<>();
    private final Map<String, String> statements = new HashMap<>();
    private Connection connection;
    private String schema;

    JdbcSink(JdbcDialect dialect, String url, Properties credentials, String schema, SinkContext context, boolean createTables,
            EvolutionPolicy policy) {
        this.dialect = dialect;
        this.url = url;
        Properties bounded = new Properties();
        bounded.putAll(credentials);
        this.credentials = io.ferry.core.config.JdbcTimeouts.bound(bounded, url, CONNECT_TIMEOUT, READ_TIMEOUT);
        this.configuredSchema = schema;
        this.context = context;
        this.createTables = createTables;
        this.policy = policy;
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = open();
            schema = configuredSchema != null ? configuredSchema
                    : connection.getSchema() != null ? connection.getSchema() : connection.getCatalog();
        }
        return connection;
    }

    private Connection open() throws SQLException {
        Connection c = DriverManager.getConnection(url, credentials);
        try (Statement s = c.createStatement()) {
            for (String sql : dialect.sessionSetup()) {
                s.execute(sql);
            }
        }
        return c;
    }

    @Override
    public void write(List<TargetEvent> batch) throws SinkWriteException {
        Map<Integer, String> rejected = new TreeMap<>();
        List<Integer> writable = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            if (batch.get(i) instanceof TargetEvent.Patch) {
                rejected.put(i, "a relational table takes no patch events (nested documents need a document target)");
            } else {
                writable.add(i);
            }
        }
        try {
            inTransaction(writable.stream().map(batch::get).toList());
        } catch (SQLException | IllegalArgumentException e) {
            if (e instanceof SQLException sql && dialect.transientError(sql)) {
                dropConnection();
                throw SinkWriteException.transientFailure("target unavailable: " + e.getMessage(), e);
            }
            isolate(batch, writable, rejected);
        }
        if (!rejected.isEmpty()) {
            throw SinkWriteException.rejected(rejected, null);
        }
    }

    /**
     * Writes events one by one to find those that can never be written; the others are written on the way. A record
     * refused for a unique value another row holds is tried once more after the others: the batch is compacted per key,
     * so a row that gives up a unique value (an email changed) may come after the row that takes it over, although the
     * source did it the other way round (a table made by hand with a unique index besides its key).
     */
    private void isolate(List<TargetEvent> batch, List<Integer> indexes, Map<Integer, String> rejected) throws SinkWriteException {
        // deletes first, as a whole batch writes them (writeTable): one by one in the batch's order, an upsert of 'ABC' before
        // the delete of 'abc' lost the row on a table whose key folds case
        List<Integer> ordered = new ArrayList<>();
        indexes.stream().filter(i -> batch.get(i) instanceof TargetEvent.Delete).forEach(ordered::add);
        indexes.stream().filter(i -> !(batch.get(i) instanceof TargetEvent.Delete)).forEach(ordered::add);
        List<Integer> later = new ArrayList<>();
        isolate(batch, ordered, rejected, later);
        if (!later.isEmpty()) {
            isolate(batch, later, rejected, null);
        }
    }

    private void isolate(List<TargetEvent> batch, List<Integer> indexes, Map<Integer, String> rejected, List<Integer> later)
            throws SinkWriteException {
        Set<String> tookWrites = new java.util.HashSet<>(); // tables that took another record of this batch just now
        for (int i : indexes) {
            try {
                inTransaction(List.of(batch.get(i)));
                tookWrites.add(tableOf(batch.get(i)));
            } catch (SQLException e) {
                if (dialect.transientError(e)) {
                    dropConnection();
                    throw SinkWriteException.transientFailure("target unavailable: " + e.getMessage(), e);
                }
                // an error of no known kind is the record's when its table took another record of the batch just now
                if (!dialect.recordError(e) && (dialect.targetStateError(e) || !tookWrites.contains(tableOf(batch.get(i))))) {
                    // a table dropped or changed underneath is looked at again (made or evolved) when the batch is retried
                    checked.clear();
                    statements.clear();
                    // the target's state, not the record: every record of the batch would be refused alike
                    dropConnection();
                    throw SinkWriteException.transientFailure("the target refuses writes for a reason that is not the record's (SQLState "
                            + e.getSQLState() + ", error " + e.getErrorCode() + "): " + e.getMessage()
                            + "; the batch is written again until the target takes it", e);
                }
                if (later != null && "23505".equals(e.getSQLState())) {
                    later.add(i); // a unique value another row of the batch may give up first
                    continue;
                }
                rejected.put(i, "the target refused it: " + e.getMessage());
            } catch (IllegalArgumentException e) {
                rejected.put(i, "the target cannot hold a value: " + e.getMessage());
            }
        }
    }

    private void inTransaction(List<TargetEvent> events) throws SQLException {
        if (events.isEmpty()) {
            return;
        }
        Connection c = connection();
        Map<String, List<TargetEvent>> byTable = new LinkedHashMap<>();
        for (TargetEvent e : events) {
            byTable.computeIfAbsent(tableOf(e), t -> new ArrayList<>()).add(e);
        }
        // DDL first, outside the batch's transaction: it commits on its own
        for (String name : byTable.keySet()) {
            prepare(c, targetTable(name));
        }
        c.setAutoCommit(false);
        try {
            for (var entry : byTable.entrySet()) {
                writeTable(c, targetTable(entry.getKey()), entry.getValue());
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException rollbackFailed) {
                e.addSuppressed(rollbackFailed);
            }
            throw e;
        }
    }

    private static String tableOf(TargetEvent e) {
        return Objects.requireNonNullElse(e.table(), "");
    }

    private TargetTable targetTable(String name) {
        TargetTable table = context.targetTables().get(name);
        if (table == null) {
            throw new IllegalArgumentException("no mapping defines target table '" + name + "' for sink " + context.sinkName());
        }
        return table;
    }

    private static boolean hasAll(Row row, List<Column> columns) {
        for (Column col : columns) {
            if (!row.has(col.name())) {
                return false;
            }
        }
        return true;
    }

    private void writeTable(Connection c, TargetTable table, List<TargetEvent> events) throws SQLException {
        Map<String, ColumnWidening.TargetColumn> narrow = narrowDecimals.getOrDefault(table.name(), Map.of());
        if (!narrow.isEmpty()) {
            for (TargetEvent e : events) {
                if (e instanceof TargetEvent.Upsert u) {
                    narrow.forEach((name, column) -> ColumnWidening.checkFits(column, u.row().get(name)));
                }
            }
        }
        Set<String> ignored = ignoredColumns.getOrDefault(table.name(), Set.of());
        Map<List<Column>, List<Row>> upserts = new LinkedHashMap<>();
        List<Row> deletes = new ArrayList<>();
        List<Column> written = table.columns().stream().filter(col -> !ignored.contains(col.name())).toList();
        List<Row> complete = null;
        for (TargetEvent e : events) {
            if (e instanceof TargetEvent.Upsert u) {
                if (hasAll(u.row(), written)) {
                    // the common case, without a column list made and hashed per row
                    if (complete == null) {
                        complete = upserts.computeIfAbsent(written, k -> new ArrayList<>());
                    }
                    complete.add(u.row());
                    continue;
                }
                // A column absent from the row (a TOAST value the source did not send) is left as it is.
                List<Column> present = written.stream().filter(col -> u.row().has(col.name())).toList();
                upserts.computeIfAbsent(present, k -> new ArrayList<>()).add(u.row());
            } else if (e instanceof TargetEvent.Delete d) {
                deletes.add(d.key());
            }
        }
        String qualified = dialect.table(schema, table.name());
        // deletes first: the batch holds one event per key (BatchCompactor), so the order matters only where the target
        // compares keys more loosely than the source (a _ci or PAD SPACE collation, citext): a key changed from 'abc' to
        // 'ABC' is a delete of 'abc' and an upsert of 'ABC', which, upserted first, updated the 'abc' row, then deleted it
        if (!deletes.isEmpty()) {
            List<Column> key = table.key().stream().map(k -> column(table, k)).toList();
            for (int from = 0; from < deletes.size(); from += 500) {
                List<Row> chunk = deletes.subList(from, Math.min(deletes.size(), from + 500));
                String tuple = (key.size() == 1 ? "" : "(") + key.stream().map(dialect::placeholder).collect(Collectors.joining(", "))
                        + (key.size() == 1 ? "" : ")");
                String sql = "DELETE FROM " + qualified + " WHERE " + (key.size() == 1 ? dialect.quote(key.get(0).name())
                        : "(" + key.stream().map(k -> dialect.quote(k.name())).collect(Collectors.joining(", ")) + ")")
                        + " IN (" + String.join(", ", java.util.Collections.nCopies(chunk.size(), tuple)) + ")";
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    int i = 1;
                    for (Row k : chunk) {
                        for (Column col : key) {
                            dialect.bind(ps, i++, col, k.get(col.name()));
                        }
                    }
                    ps.executeUpdate();
                }
            }
        }
        for (var group : upserts.entrySet()) {
            List<Column> columns = group.getKey();
            int per = dialect.rowsPerStatement(columns.size());
            List<Row> rows = group.getValue();
            if (rows.size() >= BULK_ROWS && dialect.bulkUpsert(c, schema, table.name(), columns, table.key(), rows)) {
                continue;
            }
            for (int from = 0; from < rows.size(); from += per) {
                List<Row> chunk = rows.subList(from, Math.min(rows.size(), from + per));
                // only the full-size statement is kept: one per table and column set, not one per chunk size
                String sql = chunk.size() == per
                        ? statements.computeIfAbsent(qualified + "|" + names(columns), k -> dialect.upsert(qualified, columns, table.key(), per))
                        : dialect.upsert(qualified, columns, table.key(), chunk.size());
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    int i = 1;
                    for (Row row : chunk) {
                        for (Column col : columns) {
                            dialect.bind(ps, i++, col, row.get(col.name()));
                        }
                    }
                    ps.executeUpdate();
                }
            }
        }
    }

    private static String names(List<Column> columns) {
        return columns.stream().map(Column::name).collect(Collectors.joining(","));
    }

    private static Column column(TargetTable table, String name) {
        return table.columns().stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(table.name() + " has no column " + name));
    }

    /** Checks a table the first time, and again whenever its mapped shape changed (a column added at the source). */
    private void prepare(Connection c, TargetTable table) throws SQLException {
        if (!table.equals(checked.get(table.name()))) {
            try {
                try {
                    ensureTable(c, table, policy);
                } catch (SQLException raced) {
                    if (dialect.transientError(raced)) {
                        throw raced;
                    }
                    // another writer (a second sink member, the bulk copy) may have made or changed it meanwhile: look again
                    ensureTable(c, table, policy);
                }
            } catch (SQLException e) {
                if (dialect.transientError(e)) {
                    throw e; // retried as the write's
                }
                // no record of the table can be written until someone fixes this: stop, rather than dead-letter them all
                throw new IllegalStateException("sink " + context.sinkName() + ": cannot create or change target table "
                        + dialect.table(schema, table.name()) + ": " + e.getMessage() + " (fix it in the target, e.g. a missing"
                        + " privilege or a column type it cannot use, or create the table yourself; then restart Ferry)", e);
            }
            checked.put(table.name(), table);
            statements.keySet().removeIf(k -> k.startsWith(dialect.table(schema, table.name()) + "|"));
        }
    }

    /** Columns made with the mapped types' lengths, precisions and scales, which round or refuse wider values. */
    @Override
    public boolean boundedByShape() {
        return true;
    }

    @Override
    public void ensureTable(TargetTable table, EvolutionPolicy evolution) throws SinkWriteException {
        try {
            ensureTable(connection(), table, evolution);
        } catch (SQLException e) {
            if (dialect.transientError(e)) {
                dropConnection();
                throw SinkWriteException.transientFailure("target unavailable: " + e.getMessage(), e);
            }
            throw new IllegalStateException("cannot create or check target table " + table.name() + ": " + e.getMessage(), e);
        }
    }

    private void ensureTable(Connection c, TargetTable table, EvolutionPolicy evolution) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(true);
        try {
            String qualified = dialect.table(schema, table.name());
            checkIdentifiers(table);
            Map<String, ColumnWidening.TargetColumn> existing = dialect.existingColumns(c, schema, table.name());
            if (existing.isEmpty()) {
                if (!createTables) {
                    throw new IllegalStateException("target table " + qualified + " does not exist: create it, or set create_tables: true");
                }
                Map<String, Column> byName = table.columns().stream().collect(Collectors.toMap(Column::name, col -> col));
                List<String> keyTypes = dialect.keyColumnTypes(table.key().stream().map(k -> byName.get(k).type()).toList());
                List<Column> values = table.columns().stream().filter(col -> !table.key().contains(col.name())).toList();
                List<String> valueTypes = dialect.valueColumnTypes(values);
                String ddl = "CREATE TABLE " + qualified + " (" + table.columns().stream()
                        .map(col -> dialect.quote(col.name()) + " " + (table.key().contains(col.name())
                                ? keyTypes.get(table.key().indexOf(col.name())) + " NOT NULL" : valueTypes.get(values.indexOf(col))))
                        .collect(Collectors.joining(", ")) + ", PRIMARY KEY (" + table.key().stream().map(dialect::quote)
                        .collect(Collectors.joining(", ")) + "))";
                try (Statement s = c.createStatement()) {
                    s.execute(ddl);
                }
                log.info("created target table {}", qualified);
            } else {
                widen(c, table, existing, evolution);
                List<Column> missing = table.columns().stream().filter(col -> !existing.containsKey(col.name())).toList();
                if (!missing.isEmpty()) {
                    switch (evolution) {
                        case EVOLVE -> {
                            // read again: a column widened just now takes more of a MySQL row
                            List<String> types = dialect.addedColumnTypes(dialect.existingColumns(c, schema, table.name()).values(),
                                    missing);
                            try (Statement s = c.createStatement()) {
                                for (Column col : missing) {
                                    s.execute("ALTER TABLE " + qualified + " ADD COLUMN " + dialect.quote(col.name()) + " "
                                            + types.get(missing.indexOf(col)));
                                    log.info("added column {} to {}", col.name(), qualified);
                                }
                            }
                        }
                        case IGNORE -> {
                            ignoredColumns.put(table.name(), missing.stream().map(Column::name).collect(Collectors.toSet()));
                            log.warn("target table {} lacks {}; evolution is ignore, so they are not written", qualified, names(missing));
                        }
                        case FAIL -> throw new IllegalStateException("target table " + qualified + " lacks column(s) " + names(missing)
                                + " and evolution is fail: add them, or set evolution: evolve (or ignore)");
                    }
                }
            }
            List<String> unique = dialect.otherUniqueIndexes(c, schema, table.name());
            if (!unique.isEmpty()) {
                throw new IllegalStateException("target table " + qualified + " has unique index(es) " + unique + " besides its primary "
                        + "key: INSERT ... ON DUPLICATE KEY UPDATE would silently update the row such an index matches. Drop them "
                        + "(or make them non-unique) for the migration");
            }
            List<String> inexact = dialect.inexactKeyColumns(c, schema, table.name(), table.key());
            if (!inexact.isEmpty()) {
                // not refused: a MySQL/MariaDB source comparing its keys by the same collation holds no such pair
                log.warn("sink {}: target table {} compares its key column(s) {} by a collation that folds case, accents or trailing"
                        + " spaces: keys the source holds apart ('abc', 'ABC', 'abc ') become one row, each upsert overwriting the"
                        + " other. Unless the source compares them the same way, give them a binary collation (ALTER TABLE {}"
                        + " MODIFY <column> <type> COLLATE utf8mb4_nopad_bin on MariaDB, utf8mb4_0900_bin on MySQL 8); tables Ferry"
                        + " creates have it", context.sinkName(), qualified, inexact, qualified);
            }
            prepared.add(table.name());
        } finally {
            c.setAutoCommit(auto);
        }
    }

    /**
     * Refuses names the target would cut: PostgreSQL cuts an identifier to 63 bytes with only a NOTICE, so a longer table
     * name was never found again (each check made it again, and failed), and a longer column's name never matched its
     * existing column (added again at the next check, and failed; ignored under {@code evolution: ignore}).
     */
    private void checkIdentifiers(TargetTable table) {
        int max = dialect.maxIdentifierBytes();
        List<String> tooLong = new ArrayList<>();
        if (table.name().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > max) {
            tooLong.add("the table's name");
        }
        for (Column col : table.columns()) {
            if (col.name().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > max) {
                tooLong.add("column " + col.name());
            }
        }
        if (!tooLong.isEmpty()) {
            throw new IllegalStateException("target table " + table.name() + ": " + String.join(", ", tooLong) + " is longer than the "
                    + max + " bytes the target keeps of a name (it would cut it): give it a shorter name in the mapping (to: for the"
                    + " table, columns: {short_name: long_column} for a column)");
        }
    }

    /**
     * Existing columns that cannot hold every value of their mapped type (a source column widened: more digits, a longer
     * string, a larger integer), changed to a type that holds those and every value they hold now ({@link ColumnWidening});
     * under {@code evolution: ignore} left as they are with a WARN, under {@code fail} the sink stops naming them.
     */
    private void widen(Connection c, TargetTable table, Map<String, ColumnWidening.TargetColumn> existing, EvolutionPolicy evolution)
            throws SQLException {
        Map<String, ColumnWidening.TargetColumn> narrow = new LinkedHashMap<>();
        Map<String, ColumnType> widened = new LinkedHashMap<>();
        List<String> left = new ArrayList<>();
        for (Column col : table.columns()) {
            ColumnWidening.TargetColumn now = existing.get(col.name());
            if (now == null || !ColumnWidening.holdsLess(now, col.type(), dialect.decimalLimit())) {
                continue;
            }
            if (now.decimal()) {
                narrow.put(col.name(), now); // until a widening below succeeds
            }
            // a string key column stays: its type is the table's choice of key bytes and collation (MySQL's), and a table
            // made by hand may key on a shorter string on purpose; a longer key is refused and dead-lettered
            boolean stringKey = table.key().contains(col.name()) && col.type().kind() == io.ferry.core.types.CanonicalType.STRING;
            Optional<ColumnType> wider = stringKey ? Optional.empty() : ColumnWidening.widened(now, col.type(), dialect.decimalLimit());
            if (wider.isPresent()) {
                widened.put(col.name(), wider.get());
            } else {
                left.add(col.name() + " " + now.describe());
            }
        }
        narrowDecimals.put(table.name(), narrow);
        if (!left.isEmpty()) {
            log.warn("sink {}: column(s) of {} may not hold every value of their mapped type, and are left as they are (made by"
                    + " hand, with a default, or of a type Ferry does not widen): {}; a value one cannot hold is refused and"
                    + " dead-lettered, or rounded where the target rounds (a decimal's extra fraction digits)", context.sinkName(),
                    dialect.table(schema, table.name()), left);
        }
        if (widened.isEmpty()) {
            return;
        }
        Map<String, ColumnType> types = new LinkedHashMap<>();
        table.columns().forEach(col -> types.put(col.name(), widened.getOrDefault(col.name(), col.type())));
        List<String> keyTypes = dialect.keyColumnTypes(table.key().stream().map(types::get).toList());
        Map<ColumnWidening.TargetColumn, String> ddl = new LinkedHashMap<>();
        widened.forEach((name, type) -> ddl.put(existing.get(name), table.key().contains(name)
                ? keyTypes.get(table.key().indexOf(name)) : dialect.columnType(type)));
        String qualified = dialect.table(schema, table.name());
        String changes = ddl.entrySet().stream().map(e -> e.getKey().name() + " " + e.getKey().describe() + " -> " + e.getValue())
                .collect(Collectors.joining(", "));
        String statement = dialect.alterColumnTypes(qualified, ddl);
        switch (evolution) {
            case EVOLVE -> {
                // the change may rewrite a large table: no bound on the wait for it (the connection's is for writes)
                int bound = c.getNetworkTimeout();
                c.setNetworkTimeout(Runnable::run, 0);
                try (Statement s = c.createStatement()) {
                    s.execute(statement);
                    log.info("sink {}: widened column(s) of {} to hold every value of their mapped type: {}", context.sinkName(),
                            qualified, changes);
                    widened.keySet().forEach(narrow::remove);
                } catch (SQLException refused) {
                    if (dialect.transientError(refused)) {
                        throw refused;
                    }
                    // best effort, column by column: one the target refuses (an index on a LONGTEXT, a view, a foreign key, a
                    // privilege) must not hold the others back; the rows still go
                    for (var one : ddl.entrySet()) {
                        String alone = dialect.alterColumnTypes(qualified, Map.of(one.getKey(), one.getValue()));
                        try (Statement s = c.createStatement()) {
                            s.execute(alone);
                            narrow.remove(one.getKey().name());
                            log.info("sink {}: widened column {} of {}: {} -> {}", context.sinkName(), one.getKey().name(), qualified,
                                    one.getKey().describe(), one.getValue());
                        } catch (SQLException again) {
                            if (dialect.transientError(again)) {
                                throw again;
                            }
                            log.warn("sink {}: could not widen column {} of {} ({} -> {}): {}; a value it cannot hold is refused and"
                                    + " dead-lettered. Run it by hand once the cause is fixed: {}", context.sinkName(),
                                    one.getKey().name(), qualified, one.getKey().describe(), one.getValue(), again.getMessage(), alone);
                        }
                    }
                } finally {
                    c.setNetworkTimeout(Runnable::run, bound);
                }
            }
            case IGNORE -> log.warn("sink {}: column(s) of {} cannot hold every value of their mapped type ({}); evolution is ignore,"
                    + " so they stay: a value they cannot hold is refused and dead-lettered, or rounded where the target rounds"
                    + " (extra fraction digits of a decimal); to widen them: {}", context.sinkName(), qualified, changes, statement);
            case FAIL -> throw new IllegalStateException("target table " + qualified + ": column(s) cannot hold every value of their"
                    + " mapped type (" + changes + ") and evolution is fail: run " + statement + ", or set evolution: evolve");
        }
    }

    @Override
    public void read(String tableName, KeyRange range, Consumer<Row> rows) throws SinkWriteException {
        TargetTable table = targetTable(tableName);
        List<Column> key = table.key().stream().map(k -> column(table, k)).toList();
        StringBuilder sql = new StringBuilder("SELECT ").append(table.columns().stream().map(dialect::selectExpression)
                .collect(Collectors.joining(", "))).append(" FROM ").append(dialect.table(schemaForRead(), table.name()));
        List<Row> bounds = new ArrayList<>();
        if (range instanceof KeyRange.Keys keys) {
            List<String> conditions = new ArrayList<>();
            String tuple = "(" + key.stream().map(k -> dialect.quote(k.name())).collect(Collectors.joining(", ")) + ")";
            String params = "(" + key.stream().map(dialect::placeholder).collect(Collectors.joining(", ")) + ")";
            if (keys.fromInclusive() != null) {
                conditions.add(tuple + " >= " + params);
                bounds.add(keys.fromInclusive());
            }
            if (keys.toExclusive() != null) {
                conditions.add(tuple + " < " + params);
                bounds.add(keys.toExclusive());
            }
            if (!conditions.isEmpty()) {
                sql.append(" WHERE ").append(String.join(" AND ", conditions));
            }
        } else if (range instanceof KeyRange.Tokens) {
            throw new IllegalArgumentException("token ranges are Cassandra's; a relational sink reads by key range");
        }
        sql.append(" ORDER BY ").append(key.stream().map(k -> dialect.quote(k.name())).collect(Collectors.joining(", ")));
        try (Connection c = open()) {
            c.setNetworkTimeout(Runnable::run, (int) STREAM_TIMEOUT.toMillis());
            try (Statement s = c.createStatement()) {
                for (String setup : dialect.streamingSetup()) {
                    s.execute(setup);
                }
            }
            // streamed, not materialized: PostgreSQL's driver fetches in batches only inside a transaction, MariaDB's
            // streams whenever a fetch size is set
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(sql.toString(), ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
                ps.setFetchSize(READ_FETCH_ROWS);
                int i = 1;
                for (Row bound : bounds) {
                    for (Column k : key) {
                        dialect.bind(ps, i++, k, bound.get(k.name()));
                    }
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Row.Builder row = Row.builder();
                        for (int col = 0; col < table.columns().size(); col++) {
                            Column column = table.columns().get(col);
                            JsonNode value = dialect.read(rs, col + 1, column);
                            row.put(column.name(), value);
                        }
                        rows.accept(row.build());
                    }
                }
            }
            c.commit();
        } catch (SQLException e) {
            throw SinkWriteException.transientFailure("cannot read " + tableName + " back: " + e.getMessage(), e);
        }
    }

    /** Asks the database for no rows of the table: an undefined table (SQLSTATE 42P01, or 42S02 on MySQL/MariaDB) is not there. */
    @Override
    public boolean exists(String tableName) throws SinkWriteException {
        String sql = "SELECT 1 FROM " + dialect.table(schemaForRead(), tableName) + " WHERE 1 = 0";
        try (Connection c = open(); Statement s = c.createStatement()) {
            s.executeQuery(sql).close();
            return true;
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState()) || "42S02".equals(e.getSQLState())) {
                return false;
            }
            throw SinkWriteException.transientFailure("cannot look up " + tableName + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean hasRows(String tableName) throws SinkWriteException {
        String sql = "SELECT 1 FROM " + dialect.table(schemaForRead(), tableName) + " LIMIT 1";
        try (Connection c = open(); Statement s = c.createStatement(); java.sql.ResultSet rs = s.executeQuery(sql)) {
            return rs.next();
        } catch (SQLException e) {
            throw SinkWriteException.transientFailure("cannot look into " + tableName + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<String> tableNames() throws SinkWriteException {
        String in = schemaForRead();
        try (Connection c = open(); java.sql.PreparedStatement s = c.prepareStatement(dialect.tableNamesQuery())) {
            s.setString(1, in);
            List<String> out = new ArrayList<>();
            try (java.sql.ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        } catch (SQLException e) {
            throw SinkWriteException.transientFailure("cannot list the tables of " + in + ": " + e.getMessage(), e);
        }
    }

    private String schemaForRead() throws SinkWriteException {
        try {
            connection();
            return schema;
        } catch (SQLException e) {
            throw SinkWriteException.transientFailure("target unavailable: " + e.getMessage(), e);
        }
    }

    private void dropConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                log.debug("closing a broken connection failed", e);
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        dropConnection();
    }
}
