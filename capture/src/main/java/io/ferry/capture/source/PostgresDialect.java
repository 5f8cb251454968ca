package io.ferry.capture.source;

import io.ferry.core.config.SourceSettings;
import io.ferry.core.event.Marker;
import io.ferry.core.event.TableId;
import io.ferry.core.schema.ForeignKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** PostgreSQL through pgoutput: logical decoding, a publication and a replication slot. */
final class PostgresDialect implements SourceDialect {

    private final SourceSettings source;

    PostgresDialect(SourceSettings source) {
        this.source = source;
    }

    @Override
    public SourceSettings settings() {
        return source;
    }

    @Override
    public String jdbcUrl() {
        return source.jdbcUrl();
    }

    @Override
    public Map<TableId, ConnectSchemas> connectSchemas(java.util.Properties debezium, java.util.Collection<TableId> tables)
            throws SQLException {
        // only tables without rows: a table with rows has its schema from its first snapshot row, as Debezium gives it
        List<TableId> empty = new ArrayList<>();
        try (Connection c = connect(); java.sql.Statement s = c.createStatement()) {
            s.execute("SET lock_timeout = '5s'"); // not behind a waiting ALTER TABLE for minutes, with capture's launch locked
            for (TableId t : tables) {
                if (EmptyTables.isEmpty(c, "SELECT 1 FROM " + quoted(t) + " LIMIT 1", t)) {
                    empty.add(t);
                }
            }
        }
        return empty.isEmpty() ? Map.of() : PostgresConnectSchemas.read(bounded(debezium), empty);
    }

    /**
     * Debezium's properties with the bounds of Ferry's own connections on the connect and on each wait for an answer, as
     * driver properties ({@code driver.*}, which Debezium hands to pgjdbc): Debezium's connection sets none, so a source
     * that stops answering in the middle of the catalog read would hold capture's launch, and a stop waiting on it, until
     * TCP gives up. Only for the catalog read: the replication stream is Debezium's and stays as it configures it. A
     * {@code driver.*} setting of one's own wins.
     */
    java.util.Properties bounded(java.util.Properties debezium) {
        java.util.Properties p = new java.util.Properties();
        p.putAll(debezium);
        source.connectionProperties(CONNECT_TIMEOUT, READ_TIMEOUT).forEach((k, v) -> {
            if (!k.equals("user") && !k.equals("password")) {
                p.putIfAbsent("driver." + k, v);
            }
        });
        return p;
    }

    @Override
    public Preflight preflight(Connection c) throws SQLException {
        List<String> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        String walLevel = scalar(c, "SHOW wal_level");
        if (!"logical".equals(walLevel)) {
            problems.add("source: wal_level is '" + walLevel + "', logical decoding needs 'logical': set wal_level = logical "
                    + "in postgresql.conf (or ALTER SYSTEM SET wal_level = logical) and restart PostgreSQL");
        }
        if (Integer.parseInt(scalar(c, "SHOW max_replication_slots")) < 1) {
            problems.add("source: max_replication_slots is 0: set it to at least 1 and restart PostgreSQL");
        }
        if (!"t".equals(scalar(c, "SELECT (rolreplication OR rolsuper)::text::char FROM pg_roles WHERE rolname = current_user"))) {
            problems.add("source.user '" + source.user() + "' lacks the REPLICATION attribute: ALTER ROLE " + source.user()
                    + " WITH REPLICATION");
        }
        List<TableId> every = everyTable(c);
        SourceDialect.Selection selection = SourceDialect.select(source.tables(),
                every.stream().filter(t -> !debeziumSkips(t)).toList());
        SourceDialect.Selection skipped = SourceDialect.select(source.tables(), every.stream().filter(PostgresDialect::debeziumSkips).toList());
        for (String pattern : selection.unmatched()) {
            List<TableId> only = SourceDialect.select(List.of(pattern), skipped.tables()).tables();
            problems.add(only.isEmpty()
                    ? "source.tables: '" + pattern + "' matches no table in database " + source.database()
                            + " (tables are written schema.table, e.g. public.users)"
                    : "source.tables: '" + pattern + "' matches only " + names(only) + ", which Debezium never captures ("
                            + SKIPPED + "): leave it out of source.tables");
        }
        if (!skipped.tables().isEmpty()) {
            notes.add(names(skipped.tables()) + " match source.tables but are left out: Debezium never captures them (" + SKIPPED
                    + "); copy them to the targets by other means if they need them");
        }
        List<SourceTable> tables = new ArrayList<>();
        for (TableId t : selection.tables()) {
            List<String> pk = primaryKey(c, t);
            if (pk.isEmpty()) {
                problems.add("source.tables: " + t + " has no primary key; Ferry keys every change by it: "
                        + "ALTER TABLE " + t + " ADD PRIMARY KEY (...), or leave the table out");
            }
            if (!"t".equals(scalar(c, "SELECT has_table_privilege(current_user, ?::regclass, 'SELECT')::text::char", quoted(t)))) {
                problems.add("source.user '" + source.user() + "' may not read " + t + ": GRANT SELECT ON " + t + " TO " + source.user());
            }
            String identity = scalar(c, "SELECT relreplident::text FROM pg_class WHERE oid = ?::regclass", quoted(t));
            if (!"f".equals(identity) && hasToastableColumns(c, t)) {
                notes.add(t + " has values PostgreSQL may leave out of an update's log record (TOAST) and REPLICA IDENTITY "
                        + "is not FULL: such unchanged values arrive as absent columns and are filled from transform's "
                        + "state (ALTER TABLE " + t + " REPLICA IDENTITY FULL sends them instead)");
            }
            long estimate = Long.parseLong(scalar(c, "SELECT GREATEST(reltuples, -1)::bigint FROM pg_class WHERE oid = ?::regclass",
                    quoted(t)));
            tables.add(new SourceTable(t, pk, estimate, foreignKeys(c, t)));
        }
        return new Preflight(tables, problems, notes);
    }

    @Override
    public List<TableId> allTables(Connection c) throws SQLException {
        return everyTable(c).stream().filter(t -> !debeziumSkips(t)).toList();
    }

    /**
     * Tables Debezium's PostgreSQL connector leaves out whatever its table list says (its system tables predicate, read in
     * 3.5's source): PostGIS's {@code spatial_ref_sys}, in any schema, and other sessions' temporary tables. Capture leaves
     * them out too: taken for captured, such a table's change topic would stay empty and every launch would ask for its
     * snapshot, and validation would compare a table no change of which ever comes.
     */
    static boolean debeziumSkips(TableId t) {
        return t.name().equalsIgnoreCase("spatial_ref_sys") || t.namespace().startsWith("pg_temp");
    }

    private static final String SKIPPED = "PostGIS's spatial_ref_sys and temporary tables are system tables to it";

    private static String names(List<TableId> tables) {
        return tables.stream().map(TableId::toString).sorted().collect(java.util.stream.Collectors.joining(", "));
    }

    private static List<TableId> everyTable(Connection c) throws SQLException {
        List<TableId> all = new ArrayList<>();
        // pg_catalog, not information_schema: the latter hides tables the user may not read, and then
        // "may not read" would be reported as "does not exist".
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT n.nspname, c.relname FROM pg_class c "
                + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') "
                + "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'")) {
            while (rs.next()) {
                all.add(new TableId(rs.getString(1), rs.getString(2)));
            }
        }
        return all;
    }

    @Override
    public boolean seesNewTablesWhileRunning() {
        return false;
    }

    @Override
    public List<String> wholeRowProblems(Connection c, java.util.Set<TableId> tables) throws SQLException {
        List<String> problems = new ArrayList<>();
        for (TableId t : tables) {
            String identity = scalar(c, "SELECT relreplident::text FROM pg_class WHERE oid = to_regclass(?)", quoted(t));
            if (identity != null && !"f".equals(identity)) {
                problems.add("transform.direct: " + t + " has REPLICA IDENTITY " + identityName(identity) + ", so its updates and"
                        + " deletes do not carry the whole row, and the direct path keeps no state to fill it in: ALTER TABLE " + t
                        + " REPLICA IDENTITY FULL, or set transform.direct: false");
            }
        }
        return problems;
    }

    private static String identityName(String code) {
        return switch (code) {
            case "d" -> "DEFAULT";
            case "n" -> "NOTHING";
            case "i" -> "USING INDEX";
            default -> code;
        };
    }

    private static String quoted(TableId t) {
        return "\"" + t.namespace().replace("\"", "\"\"") + "\".\"" + t.name().replace("\"", "\"\"") + "\"";
    }

    private static List<String> primaryKey(Connection c, TableId t) throws SQLException {
        List<String> pk = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT a.attname FROM pg_index i "
                + "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
                + "WHERE i.indrelid = ?::regclass AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)")) {
            ps.setString(1, quoted(t));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    pk.add(rs.getString(1));
                }
            }
        }
        return pk;
    }

    @Override
    public SourceTable describe(Connection c, TableId t) throws SQLException {
        return new SourceTable(t, primaryKey(c, t), -1, foreignKeys(c, t));
    }

    private static boolean hasToastableColumns(Connection c, TableId t) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_attribute a JOIN pg_type ty ON ty.oid = a.atttypid "
                + "WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped AND ty.typstorage <> 'p'")) {
            ps.setString(1, quoted(t));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        }
    }

    private static List<ForeignKey> foreignKeys(Connection c, TableId t) throws SQLException {
        List<ForeignKey> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT con.conname, pn.nspname, pc.relname, "
                + "array_to_string(ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(n, i) "
                + "  JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.i), ','), "
                + "array_to_string(ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(n, i) "
                + "  JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.i), ','), "
                + "con.confdeltype, con.confupdtype FROM pg_constraint con JOIN pg_class pc ON pc.oid = con.confrelid "
                + "JOIN pg_namespace pn ON pn.oid = pc.relnamespace WHERE con.contype = 'f' AND con.conrelid = ?::regclass")) {
            ps.setString(1, quoted(t));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new ForeignKey(rs.getString(1), Arrays.asList(rs.getString(4).split(",")),
                            new TableId(rs.getString(2), rs.getString(3)), Arrays.asList(rs.getString(5).split(",")),
                            action(rs.getString(6)), action(rs.getString(7))));
                }
            }
        }
        return out;
    }

    private static String action(String code) {
        return switch (code) {
            case "c" -> "CASCADE";
            case "n" -> "SET NULL";
            case "d" -> "SET DEFAULT";
            case "r" -> "RESTRICT";
            default -> "NO ACTION";
        };
    }

    @Override
    public void createFootprint(Connection c) throws SQLException {
        String schema = source.heartbeatSchema();
        try (Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
            s.execute("CREATE TABLE IF NOT EXISTS " + schema + ".heartbeat (pipeline text NOT NULL, kind text NOT NULL, "
                    + "seq bigint NOT NULL, written_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (pipeline, kind))");
            s.execute("CREATE TABLE IF NOT EXISTS " + schema + ".debezium_signal (id varchar(64) PRIMARY KEY, "
                    + "type varchar(32) NOT NULL, data varchar(" + SIGNAL_DATA + "))");
        }
    }

    @Override
    public long writeMarker(Connection c, String pipeline, Marker.Kind kind) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + source.heartbeatSchema() + ".heartbeat AS h "
                + "(pipeline, kind, seq, written_at) VALUES (?, ?, 1, now()) ON CONFLICT (pipeline, kind) "
                + "DO UPDATE SET seq = h.seq + 1, written_at = now() RETURNING seq")) {
            ps.setString(1, pipeline);
            ps.setString(2, kind.wireName());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Override
    public Map<String, String> debeziumProperties(String pipeline) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        p.put("plugin.name", "pgoutput");
        p.put("slot.name", source.slot());
        p.put("publication.name", source.publication());
        p.put("publication.autocreate.mode", "filtered");
        p.put("database.hostname", source.host());
        p.put("database.port", Integer.toString(source.port()));
        p.put("database.user", source.user());
        source.password().ifPresent(pw -> p.put("database.password", pw.reveal()));
        p.put("database.dbname", source.database());
        p.put("snapshot.mode", source.snapshot());
        p.put("hstore.handling.mode", "json");
        p.put("interval.handling.mode", "string");
        return p;
    }

    @Override
    public List<TableId> leftOutOfLog(Connection c, java.util.Collection<TableId> tables) throws SQLException {
        String all = scalar(c, "SELECT puballtables::text FROM pg_publication WHERE pubname = ?", source.publication());
        if (all == null || all.equals("true")) {
            return List.of();
        }
        // the tables named in it (a partitioned table itself), and those it publishes (a schema's, since PostgreSQL 15;
        // a partitioned table's partitions unless it publishes through the root)
        java.util.Set<TableId> published = new java.util.HashSet<>();
        for (String sql : List.of("SELECT n.nspname, cl.relname FROM pg_publication_rel pr JOIN pg_publication p ON p.oid = pr.prpubid "
                + "JOIN pg_class cl ON cl.oid = pr.prrelid JOIN pg_namespace n ON n.oid = cl.relnamespace WHERE p.pubname = ?",
                "SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = ?")) {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, source.publication());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        published.add(new TableId(rs.getString(1), rs.getString(2)));
                    }
                }
            }
        }
        return tables.stream().filter(t -> !published.contains(t)).toList();
    }

    @Override
    public Map<TableId, Long> identities(Connection c, java.util.Collection<TableId> tables) throws SQLException {
        java.util.Set<TableId> wanted = new java.util.HashSet<>(tables);
        Map<TableId, Long> out = new LinkedHashMap<>();
        // one query for every table (thousands of captured tables at a launch), kept to those asked for
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT n.nspname, cl.relname, cl.oid::bigint "
                + "FROM pg_class cl JOIN pg_namespace n ON n.oid = cl.relnamespace WHERE cl.relkind IN ('r', 'p') "
                + "AND n.nspname NOT IN ('pg_catalog', 'information_schema')")) {
            while (rs.next()) {
                TableId t = new TableId(rs.getString(1), rs.getString(2));
                if (wanted.contains(t)) {
                    out.put(t, rs.getLong(3));
                }
            }
        }
        return out;
    }

    @Override
    public List<TableId> notOwned(Connection c, java.util.Collection<TableId> tables) throws SQLException {
        List<TableId> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) "
                + "OR pg_has_role(current_user, cl.relowner, 'USAGE') FROM pg_class cl JOIN pg_namespace n ON n.oid = "
                + "cl.relnamespace WHERE n.nspname = ? AND cl.relname = ?")) {
            for (TableId t : tables) {
                ps.setString(1, t.namespace());
                ps.setString(2, t.name());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && !rs.getBoolean(1)) {
                        out.add(t);
                    }
                }
            }
        }
        return out;
    }

    private static String scalar(Connection c, String sql, String... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
