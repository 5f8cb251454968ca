package io.ferry.capture.source;

import io.ferry.core.config.SourceSettings;
import io.ferry.core.event.Marker;
import io.ferry.core.event.Row;
import io.ferry.core.event.TableId;
import io.ferry.core.schema.Column;
import io.ferry.core.schema.ForeignKey;
import io.ferry.core.schema.TableSchema;
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
import java.util.Set;
import java.util.Optional;

/** PostgreSQL through pgoutput: logical decoding, a publication and a replication slot. */
final class PostgresDialect implements SourceDialect {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PostgresDialect.class);

    private final SourceSettings source;
    /** The partitions the last preflight found: tables Debezium must not take for tables of their own. */
    private volatile List<TableId> leftOut = List.of();
    /** Matched tables outside the publication that another role owns ({@link #foreignOutsidePublication}), as last found. */
    private volatile List<TableId> foreign = List.of();

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
        int version = Integer.parseInt(scalar(c, "SHOW server_version_num"));
        Map<TableId, TableId> partitions = version >= VIA_ROOT ? partitions(c) : Map.of();
        SourceDialect.Selection parts = SourceDialect.select(source.tables(), List.copyOf(partitions.keySet()));
        leftOut = List.copyOf(partitions.keySet());
        List<TableId> throughRoot = new ArrayList<>();
        for (TableId part : parts.tables()) {
            TableId root = partitions.get(part);
            if (selection.tables().contains(root)) {
                throughRoot.add(part);
            } else {
                problems.add("source.tables: " + part + " is a partition of " + root + ", which source.tables does not capture:"
                        + " PostgreSQL publishes a partition's changes as its partitioned table's, so capture " + root
                        + " instead (a mapping's filter can keep some of its rows)");
            }
        }
        if (!throughRoot.isEmpty()) {
            notes.add(names(throughRoot) + " match source.tables but are partitions: their rows and changes are captured"
                    + " through their partitioned tables (publish_via_partition_root), not as tables of their own");
        }
        for (String pattern : selection.unmatched()) {
            if (!SourceDialect.select(List.of(pattern), List.copyOf(partitions.keySet())).tables().isEmpty()) {
                continue; // said above
            }
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
        List<TableId> partitioned = partitioned(c, selection.tables());
        if (!partitioned.isEmpty() && version < VIA_ROOT) {
            problems.add("source.tables: " + names(partitioned) + " are partitioned, and PostgreSQL before 13 cannot publish a"
                    + " partitioned table's changes: capture its partitions instead");
        } else if (!partitioned.isEmpty() && source.readOnly() && Boolean.FALSE.equals(publishesViaRoot(c))) {
            problems.add("source.publication '" + source.publication() + "' publishes the changes of partitions of "
                    + names(partitioned) + " under the partitions' names, which Debezium does not take for the partitioned"
                    + " tables' (their changes would be lost), and source.read_only keeps Ferry from changing it: ALTER"
                    + " PUBLICATION " + source.publication() + " SET (publish_via_partition_root = true)");
        }
        boolean published = publicationExists(c);
        if (!published) {
            // Debezium makes it FOR TABLE the captured tables, which only their owner may
            List<TableId> notOwned = notOwned(c, selection.tables());
            if (!notOwned.isEmpty()) {
                // not a CREATE PUBLICATION by their owner: Debezium's start would then alter it (Ferry's heartbeat and signal
                // tables, made after preflight), which only the publication's owner may
                problems.add("source.publication '" + source.publication() + "' does not exist, and Debezium makes it for the"
                        + " captured tables, which only their owner may: source.user '" + source.user() + "' does not own "
                        + names(notOwned) + ": make " + source.user() + " a member of their owner role (GRANT <owner role> TO "
                        + source.user() + "), or leave them out of source.tables");
            }
        }
        // not captured, so not checked: a table the application made under its own role must not stop capture
        foreign = foreignOutsidePublication(c, selection.tables());
        List<SourceTable> tables = new ArrayList<>();
        for (TableId t : selection.tables()) {
            if (foreign.contains(t)) {
                continue;
            }
            List<String> pk = primaryKey(c, t);
            if (pk.isEmpty()) {
                problems.add("source.tables: " + t + " has no primary key; Ferry keys every change by it: "
                        + "ALTER TABLE " + t + " ADD PRIMARY KEY (...), or leave the table out");
            }
            if (!"t".equals(scalar(c, "SELECT has_table_privilege(current_user, ?::regclass, 'SELECT')::text::char", quoted(t)))) {
                problems.add("source.user '" + source.user() + "' may not read " + t + ": GRANT SELECT ON " + t + " TO " + source.user());
            }
            Map<TableId, String> logged = loggedIdentities(c, t, partitioned.contains(t) && version >= VIA_ROOT);
            for (Map.Entry<TableId, String> leaf : logged.entrySet()) {
                if ("i".equals(leaf.getValue()) && !pk.isEmpty()) {
                    identityIndexProblem(c, t, leaf.getKey(), pk).ifPresent(problems::add);
                }
            }
            List<TableId> notFull = logged.entrySet().stream().filter(e -> !"f".equals(e.getValue())).map(Map.Entry::getKey).toList();
            String toFull = notFull.stream().map(x -> "ALTER TABLE " + x + " REPLICA IDENTITY FULL")
                    .collect(java.util.stream.Collectors.joining("; "));
            List<String> unplaceable = notFull.isEmpty() ? List.of() : arraysWithoutPlaceholder(c, t);
            if (!unplaceable.isEmpty()) {
                problems.add("source.tables: " + t + " has " + String.join(", ", unplaceable) + ": PostgreSQL stores such a value"
                        + " out of line when it is large (TOAST, over about 2 KB), and the log leaves it out of an update that"
                        + " does not change it; for arrays of these types (and domains over arrays) Debezium cannot stand in for"
                        + " the missing value and sends NULL, which the targets would take: " + toFull + " (the log then carries"
                        + " the value" + (logged.containsKey(t) ? "" : "; a partitioned table's partitions each have their own")
                        + "), or leave the table out");
            }
            Map<String, List<String>> uncarried = uncarriedColumns(c, t);
            List<String> bitVarying = uncarried.getOrDefault("varbit", List.of());
            if (!bitVarying.isEmpty()) {
                problems.add("source.tables: " + t + " has " + String.join(", ", bitVarying) + ": Debezium passes a bit varying"
                        + " value's set bits alone, not its length, so B'101' and B'0101' would arrive alike: change the column to"
                        + " bit(n) or text, or leave the table out");
            }
            List<String> dropped = uncarried.getOrDefault("dropped[]", List.of());
            if (!dropped.isEmpty()) {
                problems.add("source.tables: " + t + " has " + String.join(", ", dropped) + ": Debezium leaves an array of"
                        + " interval, money, name, xml or point out of every event (\"Unexpected JDBC type '2003'\"), so the column"
                        + " would never reach the targets: change it to text[] (numeric[] for money), or leave the table out");
            }
            if (!notFull.isEmpty() && hasToastableColumns(c, t)) {
                notes.add(t + " has values PostgreSQL may leave out of an update's log record (TOAST) and REPLICA IDENTITY "
                        + "is not FULL: such unchanged values arrive as absent columns and are filled from transform's "
                        + "state (" + toFull + " sends them instead)");
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

    /**
     * Every table capture could take, but the partitions of partitioned tables (PostgreSQL 13 and later): Ferry has
     * PostgreSQL publish their changes through the partitioned table ({@code publish_via_partition_root}), whose
     * snapshot reads their rows too, so a partition taken as a table of its own would have its rows twice, and no change.
     */
    private static List<TableId> everyTable(Connection c) throws SQLException {
        List<TableId> all = new ArrayList<>();
        // pg_catalog, not information_schema: the latter hides tables the user may not read, and then
        // "may not read" would be reported as "does not exist".
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT n.nspname, c.relname FROM pg_class c "
                + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') "
                + "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' "
                + "AND NOT (c.relispartition AND current_setting('server_version_num')::int >= " + VIA_ROOT + ")")) {
            while (rs.next()) {
                all.add(new TableId(rs.getString(1), rs.getString(2)));
            }
        }
        return all;
    }

    /** PostgreSQL's version from which a publication can publish partitions' changes through their partitioned table. */
    private static final int VIA_ROOT = 130000;

    /** Every partition (PostgreSQL 13 and later) and the partitioned table at the top of its tree. */
    private static Map<TableId, TableId> partitions(Connection c) throws SQLException {
        Map<TableId, TableId> out = new LinkedHashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT n.nspname, c.relname, rn.nspname, r.relname "
                + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "JOIN pg_class r ON r.oid = pg_partition_root(c.oid) JOIN pg_namespace rn ON rn.oid = r.relnamespace "
                + "WHERE c.relkind IN ('r', 'p') AND c.relispartition AND current_setting('server_version_num')::int >= " + VIA_ROOT)) {
            while (rs.next()) {
                out.put(new TableId(rs.getString(1), rs.getString(2)), new TableId(rs.getString(3), rs.getString(4)));
            }
        }
        return out;
    }

    /** Those of the tables that are partitioned (relkind {@code p}), in one query however many tables are captured. */
    private static List<TableId> partitioned(Connection c, java.util.Collection<TableId> tables) throws SQLException {
        java.util.Set<TableId> all = new java.util.HashSet<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT n.nspname, c.relname FROM pg_class c "
                + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'p'")) {
            while (rs.next()) {
                all.add(new TableId(rs.getString(1), rs.getString(2)));
            }
        }
        return tables.stream().filter(all::contains).toList();
    }

    /** Whether the publication exists and publishes its partitions' changes as its partitioned tables' (null: no such publication). */
    private Boolean publishesViaRoot(Connection c) throws SQLException {
        String via = scalar(c, "SELECT pubviaroot::text FROM pg_publication WHERE pubname = ?", source.publication());
        return via == null ? null : via.equals("true");
    }

    @Override
    public boolean seesNewTablesWhileRunning() {
        return false;
    }

    @Override
    public List<String> wholeRowProblems(Connection c, java.util.Set<TableId> tables) throws SQLException {
        List<String> problems = new ArrayList<>();
        boolean viaRoot = Integer.parseInt(scalar(c, "SHOW server_version_num")) >= VIA_ROOT;
        List<TableId> partitioned = partitioned(c, tables);
        for (TableId t : tables) {
            if (scalar(c, "SELECT relreplident::text FROM pg_class WHERE oid = to_regclass(?)", quoted(t)) == null) {
                continue;
            }
            for (Map.Entry<TableId, String> leaf : loggedIdentities(c, t, viaRoot && partitioned.contains(t)).entrySet()) {
                if (!"f".equals(leaf.getValue())) {
                    TableId x = leaf.getKey();
                    problems.add("transform.direct: " + (x.equals(t) ? t : x + ", a partition of " + t) + " has REPLICA IDENTITY "
                            + identityName(leaf.getValue()) + ", so its updates and deletes do not carry the whole row, and the direct"
                            + " path keeps no state to fill it in: ALTER TABLE " + x + " REPLICA IDENTITY FULL, or set transform.direct: false");
                }
            }
        }
        return problems;
    }

    /**
     * The replica identity the log follows for a table's rows, by the table that has it: the table's own, or for a
     * partitioned table each leaf partition's ({@code ALTER TABLE ... REPLICA IDENTITY} on a partitioned table does not
     * reach its partitions, and a partition's changes are logged with its own).
     */
    private static Map<TableId, String> loggedIdentities(Connection c, TableId t, boolean partitioned) throws SQLException {
        Map<TableId, String> out = new LinkedHashMap<>();
        if (!partitioned) {
            out.put(t, scalar(c, "SELECT relreplident::text FROM pg_class WHERE oid = ?::regclass", quoted(t)));
            return out;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT n.nspname, cl.relname, cl.relreplident::text "
                + "FROM pg_partition_tree(?::regclass) pt JOIN pg_class cl ON cl.oid = pt.relid "
                + "JOIN pg_namespace n ON n.oid = cl.relnamespace WHERE pt.isleaf ORDER BY 1, 2")) {
            ps.setString(1, quoted(t));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(new TableId(rs.getString(1), rs.getString(2)), rs.getString(3));
                }
            }
        }
        return out;
    }

    /** A problem when the table's replica identity index (of {@code logged}, the table or a partition) lacks the key. */
    private static Optional<String> identityIndexProblem(Connection c, TableId t, TableId logged, List<String> pk) throws SQLException {
        String index = scalar(c, "SELECT ci.relname FROM pg_index i JOIN pg_class ci ON ci.oid = i.indexrelid "
                + "WHERE i.indrelid = ?::regclass AND i.indisreplident", quoted(logged));
        String which = logged.equals(t) ? t.toString() : logged + " (a partition of " + t + ")";
        if (index == null) {
            return Optional.of("source.tables: " + which + " has REPLICA IDENTITY USING INDEX, and that index is gone, so its"
                    + " updates and deletes carry no key: ALTER TABLE " + logged + " REPLICA IDENTITY DEFAULT (or FULL)");
        }
        if (indexColumns(c, logged, index).containsAll(pk)) {
            return Optional.empty();
        }
        return Optional.of("source.tables: " + which + " has REPLICA IDENTITY USING INDEX " + index + ", which does not hold its"
                + " primary key (" + String.join(", ", pk) + "): a delete's log record carries only the index's columns, so it"
                + " would not name the row Ferry keys by the primary key: ALTER TABLE " + logged + " REPLICA IDENTITY DEFAULT (or FULL)");
    }

    /**
     * The table's columns Debezium does not carry whole, as "name (type)", by kind: {@code varbit} (bit varying and arrays
     * of it) and {@code dropped[]}, the arrays Debezium's value converter has no schema for and leaves out of every event
     * (interval, money, name, xml, point; before session 34 only interval[] was refused, and the others vanished).
     */
    private static Map<String, List<String>> uncarriedColumns(Connection c, TableId t) throws SQLException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT a.attname, format_type(a.atttypid, a.atttypmod), "
                + "CASE WHEN a.atttypid IN ('varbit'::regtype, 'varbit[]'::regtype) THEN 'varbit' ELSE 'dropped[]' END "
                + "FROM pg_attribute a WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped "
                + "AND a.atttypid IN ('varbit'::regtype, 'varbit[]'::regtype, 'interval[]'::regtype, 'money[]'::regtype, "
                + "'name[]'::regtype, 'xml[]'::regtype, 'point[]'::regtype) ORDER BY a.attnum")) {
            ps.setString(1, quoted(t));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString(3), k -> new ArrayList<>()).add(rs.getString(1) + " (" + rs.getString(2) + ")");
                }
            }
        }
        return out;
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

    /** The columns of one of the table's indexes (none when it is not found). */
    private static List<String> indexColumns(Connection c, TableId t, String index) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT a.attname FROM pg_index i JOIN pg_class ci ON ci.oid = i.indexrelid "
                + "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
                + "WHERE i.indrelid = ?::regclass AND ci.relname = ?")) {
            ps.setString(1, quoted(t));
            ps.setString(2, index);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
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

    /**
     * The element types of arrays for whose unchanged TOAST value Debezium 3.5 has a stand-in that capture turns into an
     * absent column ({@code UnchangedToastedReplicationMessageColumn}), and interval arrays, which Debezium leaves out of
     * every event ("Unexpected JDBC type '2003'"): any other array arrives as NULL, its conversion failed ("Failed to
     * properly convert data value", a WARN of Debezium's).
     */
    private static final List<String> PLACEHOLDER_ARRAYS = List.of("text", "varchar", "bpchar", "json", "jsonb", "bytea", "int4",
            "int8", "date", "uuid", "interval");

    /** The table's array columns that may go out of line and have no stand-in when unchanged, as "name (type)". */
    private static List<String> arraysWithoutPlaceholder(Connection c, TableId t) throws SQLException {
        List<String> out = new ArrayList<>();
        // a domain over an array: Debezium knows the column by the domain's name, which has no placeholder of its own
        try (PreparedStatement ps = c.prepareStatement("SELECT a.attname, format_type(a.atttypid, a.atttypmod), e.typname, "
                + "ty.typtype = 'd' FROM pg_attribute a JOIN pg_type ty ON ty.oid = a.atttypid "
                + "JOIN pg_type bt ON bt.oid = CASE WHEN ty.typtype = 'd' THEN ty.typbasetype ELSE ty.oid END "
                + "JOIN pg_type e ON e.oid = bt.typelem "
                + "WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped AND bt.typcategory = 'A' "
                + "AND a.attstorage <> 'p' ORDER BY a.attnum")) {
            ps.setString(1, quoted(t));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    boolean dropped = !rs.getBoolean(4) && Set.of("interval", "money", "name", "xml", "point").contains(rs.getString(3));
                    // an array Debezium leaves out of every event is refused for that (uncarriedColumns), whatever its identity
                    if (!dropped && (rs.getBoolean(4) || !PLACEHOLDER_ARRAYS.contains(rs.getString(3)))) {
                        out.add(rs.getString(1) + " (" + rs.getString(2) + ")");
                    }
                }
            }
        }
        return out;
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
    public List<TableId> notTables() {
        List<TableId> out = new ArrayList<>(leftOut);
        out.addAll(foreign);
        return out;
    }

    @Override
    public List<TableId> foreignTables() {
        return foreign;
    }

    /**
     * Of these tables, those outside the publication (all of them when it does not exist yet) that belong to a role
     * Ferry's user is not a member of. Debezium's start sets its publication to every table it captures, and only an
     * owner may add one: such a table in its list stopped capture of every table, retried for ever. Kept as the tables
     * Debezium must not take ({@link #notTables}) until the next call.
     */
    @Override
    public List<TableId> foreignOutsidePublication(Connection c, java.util.Collection<TableId> tables) throws SQLException {
        foreign = findForeign(c, tables);
        return foreign;
    }

    /** The same, without keeping them (the look for new tables, which must not change what the next launch leaves out). */
    @Override
    public List<TableId> findForeign(Connection c, java.util.Collection<TableId> tables) throws SQLException {
        // a read-only source too: Debezium's start sets the publication to its tables whatever Ferry writes; none before
        // the publication exists (preflight refuses tables Debezium could not make it with)
        if (tables.isEmpty() || !publicationExists(c)) {
            return List.of();
        }
        return List.copyOf(notOwned(c, leftOutOfLog(c, tables)));
    }

    private boolean publicationExists(Connection c) throws SQLException {
        return scalar(c, "SELECT pubname FROM pg_publication WHERE pubname = ?", source.publication()) != null;
    }

    /**
     * A publication made before (by an older Ferry, or by hand) that publishes partitions' changes under their own names:
     * Debezium, which looks for the partitioned table's name, would drop every one of them. Debezium makes a new
     * publication with {@code publish_via_partition_root} (Ferry sets {@code publish.via.partition.root}) but leaves an
     * existing one's options as they are. From PostgreSQL 13 on, the option is set whatever is captured now, so that a
     * partitioned table captured later is covered too.
     */
    @Override
    public Optional<List<TableId>> publicationToPrepare(Connection c, java.util.Collection<TableId> tables) throws SQLException {
        if (Integer.parseInt(scalar(c, "SHOW server_version_num")) < VIA_ROOT || !Boolean.FALSE.equals(publishesViaRoot(c))) {
            return Optional.empty();
        }
        return Optional.of(partitioned(c, tables));
    }

    @Override
    public void preparePublication(Connection c, java.util.Collection<TableId> partitioned) throws SQLException {
        String name = "\"" + source.publication().replace("\"", "\"\"") + "\"";
        String alter = "ALTER PUBLICATION " + name + " SET (publish_via_partition_root = true)";
        try (Statement s = c.createStatement()) {
            s.execute(alter);
        } catch (SQLException e) {
            String why = "source.publication '" + source.publication() + "' publishes partitions' changes under their own names,"
                    + " which Debezium does not take for their partitioned tables', and " + source.user() + " cannot change that ("
                    + e.getMessage() + "): as its owner, run " + alter;
            if (!partitioned.isEmpty()) {
                throw new SQLException(why, e.getSQLState(), e);
            }
            log.warn("{} (no partitioned table is captured now, so nothing is lost yet)", why);
            return;
        }
        log.info("publication {} now publishes partitions' changes as their partitioned tables' (publish_via_partition_root){}",
                source.publication(), partitioned.isEmpty() ? "" : "; " + names(List.copyOf(partitioned)) + " are read again");
    }

    @Override
    public Optional<Row> currentValues(Connection c, TableSchema schema, Row key, List<Column> columns) throws SQLException {
        List<String> unkeyable = schema.primaryKey().stream()
                .filter(k -> !PostgresRowReads.keyable(schema.column(k).orElseThrow().type())).toList();
        if (!unkeyable.isEmpty()) {
            throw new IllegalArgumentException(schema.table() + " cannot be read by its key: " + String.join(", ", unkeyable)
                    + " (an array, timetz or money) has no literal to look it up by");
        }
        return PostgresRowReads.read(c, schema, key, columns);
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
        // a partitioned table's changes come under its own name, not its partitions' (PostgreSQL 13 and later)
        p.put("publish.via.partition.root", "true");
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
