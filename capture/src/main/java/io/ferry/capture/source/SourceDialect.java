package io.ferry.capture.source;

import io.ferry.core.config.SourceSettings;
import io.ferry.core.event.Marker;
import io.ferry.core.event.Row;
import io.ferry.core.event.TableId;
import io.ferry.core.schema.Column;
import io.ferry.core.schema.TableSchema;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.regex.Pattern;

/** One source engine's SQL and Debezium settings. Stateless; connections are the caller's. */
public interface SourceDialect {

    static SourceDialect of(SourceSettings source) {
        return switch (source.type()) {
            case "postgres" -> new PostgresDialect(source);
            case "mysql" -> new MysqlDialect(source, false);
            case "mariadb" -> new MysqlDialect(source, true);
            default -> throw new IllegalArgumentException("source.type " + source.type() + " is not supported");
        };
    }

    SourceSettings settings();

    String jdbcUrl();

    /** How long capture's connections to the source may take to open. */
    Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /**
     * How long one of capture's queries may wait for the source's answer. They are all short (the preflight's catalog
     * reads, the publication, a marker or signal row), and some run while capture's lifecycle is locked (a launch), on its
     * one scheduler thread (heartbeats, the look for new tables) or on Debezium's handler thread (a table's facts): a
     * source that stops answering must fail them, not hold a stop of the service for ever.
     */
    Duration READ_TIMEOUT = Duration.ofMinutes(2);

    /** A connection for capture's own short queries, bounded by {@link #CONNECT_TIMEOUT} and {@link #READ_TIMEOUT}. */
    default Connection connect() throws SQLException {
        return connect(CONNECT_TIMEOUT, READ_TIMEOUT);
    }

    default Connection connect(Duration connectTimeout, Duration readTimeout) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), settings().connectionProperties(connectTimeout, readTimeout));
    }

    /** Debezium's Connect schemas of a table's key and rows (its change records' key schema and their {@code after}). */
    record ConnectSchemas(org.apache.kafka.connect.data.Schema key, org.apache.kafka.connect.data.Schema row) {
    }

    /**
     * The Connect schemas Debezium gives these tables' changes, built from the catalog by Debezium's own code, for those
     * that have no rows (a table with rows has its schema from its first snapshot row); a table whose schema cannot be
     * built is left out. Empty where the dialect does not build them (real MySQL's connector: a table's first row brings
     * its schema).
     *
     * @param debezium the engine's properties
     */
    default Map<TableId, ConnectSchemas> connectSchemas(java.util.Properties debezium, java.util.Collection<TableId> tables)
            throws SQLException {
        return Map.of();
    }

    /** Checks the server and the configured tables; never throws for a finding, only for a lost connection. */
    Preflight preflight(Connection c) throws SQLException;

    /**
     * One table's key and the facts capture takes from the source rather than the log (foreign keys, MariaDB's JSON
     * columns), as the table is now; the row estimate is left unknown (-1).
     */
    SourceTable describe(Connection c, TableId t) throws SQLException;

    /** Every table of the source database, the names {@code source.tables}' patterns select from. */
    List<TableId> allTables(Connection c) throws SQLException;

    /**
     * Whether Debezium takes in, while it runs, a table that starts to match {@code source.tables} (MySQL/MariaDB: the
     * binlog carries its {@code CREATE TABLE}); PostgreSQL's publication is set to the captured tables when the engine
     * starts, so capture restarts the engine for such a table ({@code Capture}).
     */
    default boolean seesNewTablesWhileRunning() {
        return true;
    }

    /**
     * Those of {@code tables} whose changes the log leaves out now: on PostgreSQL the tables not in the publication. Debezium
     * sets a {@code filtered} publication to the captured tables when it starts streaming; a table dropped and created
     * again under its name since then is no longer in it (nothing of it is decoded), and neither is one that was not
     * captured then. Empty where the log carries every table (a binlog), or when the publication is missing or for all
     * tables.
     */
    default List<TableId> leftOutOfLog(Connection c, java.util.Collection<TableId> tables) throws SQLException {
        return List.of();
    }

    /**
     * What identifies each of {@code tables} that exists beyond its name, which a table dropped and created again under
     * its name does not keep (PostgreSQL's {@code pg_class} oid); empty where Debezium follows such a table by itself
     * (a binlog carries the {@code DROP} and the {@code CREATE}).
     */
    default Map<TableId, Long> identities(Connection c, java.util.Collection<TableId> tables) throws SQLException {
        return Map.of();
    }

    /**
     * Those of {@code tables} that Ferry's user may not put into the publication (PostgreSQL: neither a superuser nor a
     * member of the table's owner role); such a table in Debezium's table list makes every start of it fail.
     */
    default List<TableId> notOwned(Connection c, java.util.Collection<TableId> tables) throws SQLException {
        return List.of();
    }

    /**
     * What stops these tables' changes from carrying the whole row before and after them (as {@code transform.direct}
     * needs); MySQL and MariaDB log whole rows (preflight requires binlog_row_image=FULL).
     */
    default List<String> wholeRowProblems(Connection c, java.util.Set<TableId> tables) throws SQLException {
        return List.of();
    }

    /** Creates Ferry's schema, heartbeat and signal tables when missing. */
    void createFootprint(Connection c) throws SQLException;

    /**
     * Whether the source's publication must be changed before capture's changes come as it needs them (PostgreSQL's
     * partitions), and if so the captured tables whose changes were not published so until now, to be read again.
     */
    default Optional<List<TableId>> publicationToPrepare(Connection c, java.util.Collection<TableId> tables) throws SQLException {
        return Optional.empty();
    }

    /**
     * Changes the publication as {@link #publicationToPrepare} found it must be, after the tables it named were asked
     * to be read again (a launch that fails between the two asks again: harmless).
     *
     * @throws SQLException naming the statement to run, when Ferry's user may not change it and those tables need it
     */
    default void preparePublication(Connection c, java.util.Collection<TableId> readAgain) throws SQLException {
    }

    /** Tables the patterns match that capture leaves out because Ferry's user may not add them to the log (PostgreSQL). */
    default List<TableId> foreignTables() {
        return List.of();
    }

    /** Of these tables, those Ferry's user may not add to the log (PostgreSQL: {@link #foreignOutsidePublication}); none by default. */
    default List<TableId> findForeign(Connection c, java.util.Collection<TableId> tables) throws SQLException {
        return List.of();
    }

    /** {@link #findForeign}, kept as {@link #foreignTables} and among {@link #notTables} until the next call. */
    default List<TableId> foreignOutsidePublication(Connection c, java.util.Collection<TableId> tables) throws SQLException {
        return List.of();
    }

    /**
     * Tables the source has that patterns may match but Debezium must not take: PostgreSQL's partitions (their changes come
     * as their partitioned table's), and another role's tables outside the publication ({@link #foreignTables}).
     */
    default List<TableId> notTables() {
        return List.of();
    }

    /**
     * The current values of some columns of one row, read by its primary key, in the canonical form capture publishes;
     * empty when no row has that key now. Only PostgreSQL's log leaves values out of a row (unchanged TOAST values): a
     * binlog's rows are whole, and this is not asked of one.
     *
     * @throws IllegalArgumentException when the row cannot be looked up by its key (a key column of a type whose literal
     *     differs from its canonical form, such as an array)
     */
    default Optional<Row> currentValues(Connection c, TableSchema schema, Row key, List<Column> columns) throws SQLException {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " reads no values back: its log leaves none out");
    }

    /** Writes a heartbeat or drain marker row and returns its sequence number. */
    long writeMarker(Connection c, String pipeline, Marker.Kind kind) throws SQLException;

    /**
     * Asks Debezium, through the signal table, for an incremental snapshot of these tables: one signal per group of tables
     * whose request fits the signal table's {@code data} column ({@value #SIGNAL_DATA} characters).
     */
    default void requestSnapshot(Connection c, List<TableId> tables) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + signalTable() + " (id, type, data) VALUES (?, 'execute-snapshot', ?)")) {
            for (String data : snapshotSignals(tables, SIGNAL_DATA)) {
                ps.setString(1, UUID.randomUUID().toString());
                ps.setString(2, data);
                ps.executeUpdate();
            }
        }
    }

    /** The width of the signal table's {@code data} column. */
    int SIGNAL_DATA = 2048;

    /** The {@code data} of the incremental snapshot signals for these tables, each at most {@code limit} characters. */
    static List<String> snapshotSignals(List<TableId> tables, int limit) {
        String head = "{\"data-collections\": [";
        String tail = "], \"type\": \"incremental\"}";
        List<String> out = new java.util.ArrayList<>();
        List<String> names = new java.util.ArrayList<>();
        int length = head.length() + tail.length();
        for (TableId t : tables) {
            String name = "\"" + dataCollection(t).replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
            if (!names.isEmpty() && length + 2 + name.length() > limit) {
                out.add(head + String.join(", ", names) + tail);
                names.clear();
                length = head.length() + tail.length();
            }
            length += (names.isEmpty() ? 0 : 2) + name.length();
            names.add(name);
        }
        if (!names.isEmpty()) {
            out.add(head + String.join(", ", names) + tail);
        }
        return out;
    }

    /**
     * A table as an entry of a signal's {@code data-collections}, which Debezium reads as a regular expression over the
     * ids of the tables it knows, and as a table id when it matches none (a table its schema does not hold yet). A name
     * with characters that mean something in a regular expression ({@code + * ? ( ) [ ] { } | ^ \}) is quoted, or it
     * could match other tables and not itself; any other name stays as it is, so that Debezium's fallback to the literal
     * id still works ('.' matching any character, and '$' anchoring, are harmless there: no other table id has the
     * same length and parts, and an id with '$' inside matches nothing, so the fallback reads it).
     */
    static String dataCollection(TableId t) {
        String id = t.toString();
        return id.matches(".*[\\\\^*+?()\\[\\]{}|].*") ? java.util.regex.Pattern.quote(id) : id;
    }

    /** Ferry's heartbeat table in the source. */
    default TableId heartbeatTable() {
        return new TableId(settings().heartbeatSchema(), "heartbeat");
    }

    /** Debezium's signal table in the source. */
    default TableId signalTable() {
        return new TableId(settings().heartbeatSchema(), "debezium_signal");
    }

    /** The engine-specific Debezium properties (connection, connector class, snapshot mode, ...). */
    Map<String, String> debeziumProperties(String pipeline);

    /** The tables of {@code all} that the configured patterns select, and the patterns that selected none. */
    static Selection select(List<String> patterns, List<TableId> all) {
        List<Pattern> compiled = patterns.stream().map(Pattern::compile).toList();
        List<TableId> chosen = all.stream()
                .filter(t -> compiled.stream().anyMatch(p -> p.matcher(t.toString()).matches())).toList();
        List<String> unmatched = patterns.stream()
                .filter(p -> all.stream().noneMatch(t -> Pattern.compile(p).matcher(t.toString()).matches())).toList();
        return new Selection(chosen, unmatched);
    }

    record Selection(List<TableId> tables, List<String> unmatched) {
    }
}
