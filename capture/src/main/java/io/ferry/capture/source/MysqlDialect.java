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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * MySQL and MariaDB through the binlog: the MariaDB connector (GTID resume) for MariaDB, the MySQL
 * connector for MySQL. Tables are {@code database.table}.
 */
final class MysqlDialect implements SourceDialect {

    private final SourceSettings source;
    private final boolean mariadb;

    MysqlDialect(SourceSettings source, boolean mariadb) {
        this.source = source;
        this.mariadb = mariadb;
    }

    @Override
    public SourceSettings settings() {
        return source;
    }

    @Override
    public String jdbcUrl() {
        return source.jdbcUrl();
    }

    /** The query behind {@link #allTables} and the preflight's estimates. */
    private static final String TABLES = "SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_ROWS FROM information_schema.TABLES "
            + "WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA NOT IN ('mysql', 'sys', 'information_schema', 'performance_schema')";

    @Override
    public List<TableId> allTables(Connection c) throws SQLException {
        List<TableId> all = new ArrayList<>();
        try (java.sql.Statement s = c.createStatement(); ResultSet rs = s.executeQuery(TABLES)) {
            while (rs.next()) {
                all.add(new TableId(rs.getString(1), rs.getString(2)));
            }
        }
        return all;
    }

    /** The schemas of tables without rows, through the schema component of Debezium's MariaDB or MySQL connector. */
    @Override
    public Map<TableId, ConnectSchemas> connectSchemas(java.util.Properties debezium, java.util.Collection<TableId> tables)
            throws SQLException {
        try (Connection c = connect()) {
            try (Statement s = c.createStatement()) {
                s.execute("SET SESSION lock_wait_timeout = 5"); // not behind a waiting ALTER TABLE, with capture's launch locked
            }
            List<TableId> empty = new ArrayList<>();
            for (TableId t : tables) {
                if (EmptyTables.isEmpty(c, "SELECT 1 FROM `" + t.namespace().replace("`", "``") + "`.`"
                        + t.name().replace("`", "``") + "` LIMIT 1", t)) {
                    empty.add(t);
                }
            }
            return empty.isEmpty() ? Map.of() : BinlogConnectSchemas.read(debezium, c, empty, mariadb);
        }
    }

    @Override
    public Preflight preflight(Connection c) throws SQLException {
        List<String> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Map<String, String> vars = new LinkedHashMap<>();
        try (ResultSet rs = c.createStatement().executeQuery(
                "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('log_bin', 'binlog_format', 'binlog_row_image',"
                + " 'binlog_row_value_options')")) {
            while (rs.next()) {
                vars.put(rs.getString(1), rs.getString(2).toUpperCase(Locale.ROOT));
            }
        }
        if (!"ON".equals(vars.get("log_bin"))) {
            problems.add("source: the binary log is off: start the server with log-bin (and server_id) in my.cnf");
        }
        if (!"ROW".equals(vars.get("binlog_format"))) {
            problems.add("source: binlog_format is " + vars.get("binlog_format") + ", capture needs ROW: set binlog_format=ROW "
                    + "in my.cnf (SET GLOBAL binlog_format = 'ROW' affects new sessions only)");
        }
        if (!"FULL".equals(vars.get("binlog_row_image"))) {
            problems.add("source: binlog_row_image is " + vars.get("binlog_row_image") + ", capture needs FULL: set "
                    + "binlog_row_image=FULL in my.cnf");
        }
        // MySQL 8 only (MariaDB has no such variable): its partial JSON updates are a row event Debezium cannot read, and
        // skips, so every UPDATE of a JSON column would be lost. A session may still set it for itself, which no global
        // variable shows (capture/README.md). Not verified here: MySQL runs only under the docker provider.
        if (vars.getOrDefault("binlog_row_value_options", "").contains("PARTIAL_JSON")) {
            problems.add("source: binlog_row_value_options is PARTIAL_JSON, so the binlog carries updates of JSON columns as"
                    + " partial updates, which Debezium cannot read (they would be lost): SET GLOBAL binlog_row_value_options = ''"
                    + " and set it in my.cnf");
        }
        String grants;
        try (ResultSet rs = c.createStatement().executeQuery("SHOW GRANTS")) {
            StringBuilder all = new StringBuilder();
            while (rs.next()) {
                all.append(rs.getString(1).toUpperCase(Locale.ROOT)).append('\n');
            }
            grants = all.toString();
        }
        boolean everything = grants.contains("GRANT ALL PRIVILEGES ON *.*");
        if (!everything && !(grants.contains("REPLICATION SLAVE") || grants.contains("REPLICATION REPLICA"))) {
            problems.add("source.user '" + source.user() + "' lacks REPLICATION SLAVE: GRANT REPLICATION SLAVE, "
                    + "REPLICATION CLIENT ON *.* TO '" + source.user() + "'");
        }
        if (!everything && !(grants.contains("REPLICATION CLIENT") || grants.contains("BINLOG MONITOR"))) {
            problems.add("source.user '" + source.user() + "' lacks REPLICATION CLIENT" + (mariadb ? " (BINLOG MONITOR)" : "")
                    + ": GRANT REPLICATION CLIENT ON *.* TO '" + source.user() + "'");
        }
        List<TableId> all = new ArrayList<>();
        Map<TableId, Long> estimates = new LinkedHashMap<>();
        try (ResultSet rs = c.createStatement().executeQuery(TABLES)) {
            while (rs.next()) {
                TableId t = new TableId(rs.getString(1), rs.getString(2));
                all.add(t);
                long rows = rs.getLong(3);
                estimates.put(t, rs.wasNull() ? -1 : rows);
            }
        }
        SourceDialect.Selection selection = SourceDialect.select(source.tables(), all);
        for (String pattern : selection.unmatched()) {
            problems.add("source.tables: '" + pattern + "' matches no table (tables are written database.table, e.g. shop.orders)");
        }
        List<SourceTable> tables = new ArrayList<>();
        for (TableId t : selection.tables()) {
            List<String> pk = primaryKey(c, t);
            if (pk.isEmpty()) {
                problems.add("source.tables: " + t + " has no primary key; Ferry keys every change by it: "
                        + "ALTER TABLE " + t + " ADD PRIMARY KEY (...), or leave the table out");
            }
            List<ForeignKey> fks = foreignKeys(c, t);
            for (ForeignKey fk : fks) {
                boolean onDelete = fk.onDelete().equals("CASCADE") || fk.onDelete().equals("SET NULL");
                boolean onUpdate = fk.onUpdate().equals("CASCADE") || fk.onUpdate().equals("SET NULL");
                if (onDelete && !selection.tables().contains(fk.parent()) && all.contains(fk.parent()) && primaryKey(c, fk.parent()).isEmpty()) {
                    // the parent cannot be captured (no primary key): say what it costs, but do not stop what ran before
                    warnings.add(t + " references " + fk.parent() + " with ON DELETE " + fk.onDelete() + ", and " + fk.parent()
                            + " has no primary key, so Ferry cannot capture it: rows of " + t + " its deletes change never leave"
                            + " the targets (validation reports them)");
                } else if (onDelete && !selection.tables().contains(fk.parent())) {
                    problems.add("source.tables: " + t + " references " + fk.parent() + " with ON DELETE " + fk.onDelete() + ", but "
                            + fk.parent() + " is not captured: deleting one of its rows changes rows of " + t + " without a trace in"
                            + " the binlog, which Ferry can only derive from that delete; add " + fk.parent() + " to source.tables"
                            + " (no mapping needs to read it)");
                }
                if (onDelete) {
                    notes.add(t + " references " + fk.parent() + " with ON DELETE " + fk.onDelete() + ": the binlog never carries"
                            + " the child rows that action changes, so transform derives them from the parent's delete (the schema"
                            + " topic lists this foreign key)");
                }
                if (onUpdate && !selection.tables().contains(fk.parent())) {
                    warnings.add(t + " references " + fk.parent() + " with ON UPDATE " + fk.onUpdate() + ", and " + fk.parent()
                            + " is not captured: a change of its " + fk.parentColumns() + " changes rows of " + t + " without a"
                            + " trace in the binlog, so they keep the old values in the targets (validation reports them); add "
                            + fk.parent() + " to source.tables (no mapping needs to read it)");
                } else if (onUpdate) {
                    notes.add(t + " references " + fk.parent() + " with ON UPDATE " + fk.onUpdate() + ": the binlog never carries"
                            + " the child rows that action changes, so transform derives them from the change of " + fk.parent()
                            + "'s " + fk.parentColumns() + " (its primary key's too)");
                }
            }
            tables.add(new SourceTable(t, pk, estimates.getOrDefault(t, -1L), fks, jsonColumns(c, t)));
        }
        return new Preflight(tables, problems, notes, warnings);
    }

    @Override
    public SourceTable describe(Connection c, TableId t) throws SQLException {
        return new SourceTable(t, primaryKey(c, t), -1, foreignKeys(c, t), jsonColumns(c, t));
    }

    private static List<String> primaryKey(Connection c, TableId t) throws SQLException {
        List<String> pk = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE "
                + "WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION")) {
            ps.setString(1, t.namespace());
            ps.setString(2, t.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    pk.add(rs.getString(1));
                }
            }
        }
        return pk;
    }

    private static final java.util.regex.Pattern JSON_CHECK = java.util.regex.Pattern.compile("json_valid\\(`([^`]+)`\\)");

    /**
     * MariaDB's {@code JSON} columns: a {@code LONGTEXT} with a {@code json_valid(column)} check, which is all the binlog
     * and {@code SHOW CREATE TABLE} show of them. MySQL's JSON is a type of its own (and its CHECK_CONSTRAINTS has no
     * table name): nothing to find there.
     */
    static java.util.Set<String> jsonColumns(Connection c, TableId t) {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS "
                + "WHERE CONSTRAINT_SCHEMA = ? AND TABLE_NAME = ?")) {
            ps.setString(1, t.namespace());
            ps.setString(2, t.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    java.util.regex.Matcher m = JSON_CHECK.matcher(rs.getString(1).trim());
                    if (m.matches()) {
                        out.add(m.group(1));
                    }
                }
            }
        } catch (SQLException e) {
            // MySQL (no TABLE_NAME there) or no access to the checks: the columns keep the log's type
        }
        return out;
    }

    private static List<ForeignKey> foreignKeys(Connection c, TableId t) throws SQLException {
        Map<String, List<String[]>> columns = new LinkedHashMap<>();
        Map<String, String[]> meta = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT rc.CONSTRAINT_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_SCHEMA, "
                + "k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, rc.DELETE_RULE, rc.UPDATE_RULE "
                + "FROM information_schema.REFERENTIAL_CONSTRAINTS rc JOIN information_schema.KEY_COLUMN_USAGE k "
                + "ON k.CONSTRAINT_SCHEMA = rc.CONSTRAINT_SCHEMA AND k.CONSTRAINT_NAME = rc.CONSTRAINT_NAME AND k.TABLE_NAME = rc.TABLE_NAME "
                + "WHERE rc.CONSTRAINT_SCHEMA = ? AND rc.TABLE_NAME = ? ORDER BY rc.CONSTRAINT_NAME, k.ORDINAL_POSITION")) {
            ps.setString(1, t.namespace());
            ps.setString(2, t.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(new String[] {rs.getString(2), rs.getString(5)});
                    meta.put(rs.getString(1), new String[] {rs.getString(3), rs.getString(4), rs.getString(6), rs.getString(7)});
                }
            }
        }
        List<ForeignKey> out = new ArrayList<>();
        columns.forEach((name, cols) -> {
            String[] m = meta.get(name);
            out.add(new ForeignKey(name, cols.stream().map(x -> x[0]).toList(), new TableId(m[0], m[1]),
                    cols.stream().map(x -> x[1]).toList(), m[2], m[3]));
        });
        return out;
    }

    @Override
    public void createFootprint(Connection c) throws SQLException {
        String db = source.heartbeatSchema();
        try (Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS " + db);
            s.execute("CREATE TABLE IF NOT EXISTS " + db + ".heartbeat (pipeline VARCHAR(64) NOT NULL, kind VARCHAR(16) NOT NULL, "
                    + "seq BIGINT NOT NULL, written_at TIMESTAMP(6) NOT NULL, PRIMARY KEY (pipeline, kind)) ENGINE=InnoDB");
            s.execute("CREATE TABLE IF NOT EXISTS " + db + ".debezium_signal (id VARCHAR(64) PRIMARY KEY, type VARCHAR(32) NOT NULL, "
                    + "data VARCHAR(" + SIGNAL_DATA + ")) ENGINE=InnoDB");
        }
    }

    @Override
    public long writeMarker(Connection c, String pipeline, Marker.Kind kind) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (PreparedStatement up = c.prepareStatement("INSERT INTO " + source.heartbeatSchema() + ".heartbeat "
                + "(pipeline, kind, seq, written_at) VALUES (?, ?, 1, NOW(6)) ON DUPLICATE KEY UPDATE seq = seq + 1, written_at = NOW(6)");
                PreparedStatement read = c.prepareStatement("SELECT seq FROM " + source.heartbeatSchema() + ".heartbeat "
                        + "WHERE pipeline = ? AND kind = ?")) {
            up.setString(1, pipeline);
            up.setString(2, kind.wireName());
            up.executeUpdate();
            read.setString(1, pipeline);
            read.setString(2, kind.wireName());
            long seq;
            try (ResultSet rs = read.executeQuery()) {
                rs.next();
                seq = rs.getLong(1);
            }
            c.commit();
            return seq;
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    @Override
    public Map<String, String> debeziumProperties(String pipeline) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("connector.class", mariadb ? "io.debezium.connector.mariadb.MariaDbConnector" : "io.debezium.connector.mysql.MySqlConnector");
        p.put("database.hostname", source.host());
        p.put("database.port", Integer.toString(source.port()));
        p.put("database.user", source.user());
        source.password().ifPresent(pw -> p.put("database.password", pw.reveal()));
        p.put("database.server.id", Integer.toString(source.serverId()));
        p.put("snapshot.mode", source.snapshot());
        p.put("bigint.unsigned.handling.mode", "precise");
        p.putAll(ZeroDates.properties(mariadb));
        return p;
    }
}
