package io.ferry.e2e;

import io.ferry.devstack.DevService;
import io.ferry.devstack.KafkaService;
import io.ferry.devstack.MysqlService;
import io.ferry.devstack.PostgresService;
import io.ferry.devstack.Service;
import io.ferry.devstack.junit.WithServices;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Migration {@code config/postgres-to-mysql.yaml} (golden scenario 3): PostgreSQL {@code accounts} into MySQL's
 * {@code accounts} (renamed columns, the status value map), {@code user_profiles} and {@code user_settings} (JSON
 * columns split into tables, with defaults), under a writer that changes keys, sets the JSON columns to NULL and back,
 * and walks status through the value map. Proves that each split row exists exactly while its JSON does, that a
 * large unchanged JSON value (TOAST, left out of the log) is never lost, that a column added at the source does
 * not reach a target table with explicit columns, and that a timestamp of {@code infinity}, which a DATETIME cannot
 * hold, is dead-lettered alone and goes through once repaired. Locally MariaDB stands in for MySQL ({@code type:
 * mariadb}); with devstack's docker provider the example's {@code type: mysql} runs against MySQL 8.
 */
@WithServices({Service.POSTGRES, Service.MYSQL, Service.KAFKA})
class PostgresToMysqlIT implements Migration {

    private static final String SOURCE_DB = "e2e_accounts_src";
    private static final String TARGET_DB = "e2e_accounts_dst";
    private static final String SLOT = "ferry_accounts_to_mysql";
    /** The poisoned row's id: far above every id the seed and the writer use, so nothing else touches it. */
    private static final long POISON_ID = 900_000_000L;

    /** Statuses: the value map's three keys, values it leaves alone (a target value among them), case and unicode. */
    private static final String STATUS = "(ARRAY['new', 'in_progress', 'completed', 'cancelled', 'pending', 'New', 'on_hold',"
            + " 'réservé ✓'])[1 + g % 8]";
    private static final String EMAIL = "CASE WHEN g % 10 = 0 THEN 'zoë.' || g || '@exämple.com'"
            + " WHEN g % 333 = 0 THEN repeat('long.', 400) || g || '@example.com' ELSE 'acct' || g || '@example.com' END";
    private static final String CREATED = "timestamp '2023-01-01' + g * interval '37.123457 seconds'";
    private static final String MODIFIED = "CASE WHEN g % 9 = 0 THEN NULL ELSE timestamp '2023-06-01' + g * interval '41.000001 seconds' END";
    /**
     * Mostly objects, with keys missing or JSON null, a number where text is expected, unicode, a long URL, and on
     * every 50th row an incompressible 6 KB bio that PostgreSQL stores out of line (TOAST); sometimes SQL NULL or
     * the JSON document {@code null} (which is not SQL NULL).
     */
    private static final String PROFILE = "CASE WHEN g % 5 = 0 THEN NULL WHEN g % 89 = 0 THEN 'null'::jsonb ELSE jsonb_build_object("
            + "'first_name', CASE WHEN g % 31 = 0 THEN to_jsonb(g) WHEN g % 13 = 0 THEN to_jsonb('Zoë 日本 🚀 ' || g)"
            + " WHEN g % 17 = 0 THEN 'null'::jsonb ELSE to_jsonb('First ' || g) END,"
            + " 'last_name', to_jsonb(CASE WHEN g % 3 = 0 THEN 'Ünïcødé-' || g ELSE 'Last' || g END),"
            + " 'avatar_url', CASE WHEN g % 97 = 0 THEN to_jsonb('https://cdn.example.com/' || repeat('ä/', 4000))"
            + " WHEN g % 4 = 0 THEN 'null'::jsonb ELSE to_jsonb('https://cdn.example.com/a/' || g || '.png') END,"
            + " 'bio', CASE WHEN g % 50 = 0 THEN to_jsonb((SELECT string_agg(md5(g::text || i), '') FROM generate_series(1, 200) i))"
            + " ELSE to_jsonb('short bio ' || g) END)"
            + " - (CASE WHEN g % 19 = 0 THEN 'first_name' WHEN g % 23 = 0 THEN 'avatar_url' ELSE '' END) END";
    /** Theme and notifications_enabled present, missing or JSON null; booleans as JSON booleans, numbers and words. */
    private static final String SETTINGS = "CASE WHEN g % 6 = 0 THEN NULL WHEN g % 29 = 0 THEN '[1, 2]'::jsonb WHEN g % 37 = 0 THEN 'null'::jsonb"
            + " ELSE jsonb_build_object('theme', CASE g % 4 WHEN 0 THEN to_jsonb('dark'::text) WHEN 1 THEN to_jsonb('light'::text)"
            + " WHEN 2 THEN 'null'::jsonb ELSE to_jsonb('hoch-kontrast ✓'::text) END,"
            + " 'notifications_enabled', ((ARRAY['false', 'true', '\"yes\"', '0', '\"no\"', '1', '\" TRUE\"'])[1 + g % 7])::jsonb, 'lang', 'de')"
            + " - (CASE WHEN g % 7 = 0 THEN 'theme' WHEN g % 11 = 0 THEN 'notifications_enabled' ELSE '' END) END";
    private static final String ALL = EMAIL + ", " + CREATED + ", " + MODIFIED + ", " + STATUS + ", " + PROFILE + ", " + SETTINGS;

    /** The mapping as SQL over the source, written from the pipeline file's words, not from Ferry's code. */
    private static final String EXPECTED_ACCOUNTS = "SELECT user_id::text AS id, email, " + pgTime("created_date") + " AS created_at, "
            + pgTime("modified_date") + " AS updated_at, CASE status WHEN 'new' THEN 'pending' WHEN 'in_progress' THEN 'processing'"
            + " WHEN 'completed' THEN 'delivered' ELSE status END AS status FROM accounts";
    private static final String EXPECTED_PROFILES = "SELECT user_id::text AS user_id, profile_data ->> 'first_name' AS first_name,"
            + " profile_data ->> 'last_name' AS last_name, profile_data ->> 'avatar_url' AS avatar_url FROM accounts"
            + " WHERE profile_data IS NOT NULL";
    private static final String NOTIFICATIONS = "lower(btrim(settings_data ->> 'notifications_enabled'))";
    private static final String EXPECTED_SETTINGS = "SELECT user_id::text AS user_id, coalesce(settings_data ->> 'theme', 'light') AS theme,"
            + " CASE WHEN " + NOTIFICATIONS + " IS NULL THEN 'true' WHEN " + NOTIFICATIONS + " IN ('true', 't', 'yes', '1') THEN 'true'"
            + " WHEN " + NOTIFICATIONS + " IN ('false', 'f', 'no', '0') THEN 'false' ELSE 'not a boolean: ' || " + NOTIFICATIONS + " END"
            + " AS notifications_enabled FROM accounts WHERE settings_data IS NOT NULL";

    private final PostgresService pg;
    private final MysqlService mysql;
    private final KafkaService kafka;
    private final AtomicLong nextId = new AtomicLong();
    private volatile boolean columnAdded;
    private int seeded;

    PostgresToMysqlIT(PostgresService pg, MysqlService mysql, KafkaService kafka) {
        this.pg = pg;
        this.mysql = mysql;
        this.kafka = kafka;
    }

    @Test
    void migratesRenamesValueMapAndJsonSplitsUnderLoadAndReachesReady() throws Exception {
        new MigrationRun(this, kafka, false).run();
    }

    @Override
    public String example() {
        return "postgres-to-mysql";
    }

    @Override
    public void prepare(int scale) throws Exception {
        Postgres.recreate(pg, SOURCE_DB, SLOT);
        try (Connection c = mysql.connect(""); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + TARGET_DB);
        }
        mysql.createDatabase(TARGET_DB);
        seeded = 5000 * scale;
        nextId.set(seeded + 1);
        try (Connection c = connectSource(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE accounts (user_id BIGINT PRIMARY KEY, email TEXT NOT NULL, created_date TIMESTAMP NOT NULL,"
                    + " modified_date TIMESTAMP, status TEXT NOT NULL, profile_data JSONB, settings_data JSONB)");
            s.execute("INSERT INTO accounts SELECT g, " + ALL + " FROM generate_series(1, " + seeded + ") g");
        }
    }

    @Override
    public void configure(PipelineFile file) {
        file.postgresSource(pg, SOURCE_DB);
        Map<String, Object> sink = file.sink("mysql");
        // MySQL 8's row alias (INSERT ... AS new_row) is not MariaDB syntax: the local stand-in needs its own dialect.
        sink.put("type", mysql.flavor() == MysqlService.Flavor.MYSQL ? "mysql" : "mariadb");
        sink.put("url", mysql.jdbcUrl(TARGET_DB));
        sink.put("user", mysql.user());
        sink.put("password", mysql.password());
    }

    @Override
    public Connection connectSource() throws SQLException {
        return pg.connect(SOURCE_DB);
    }

    @Override
    public void transaction(Connection c, Random r) throws SQLException {
        int ops = 1 + r.nextInt(4);
        for (int i = 0; i < ops; i++) {
            long id = 1 + r.nextInt((int) nextId.get() - 1);
            int g = r.nextInt(1_000_000);
            switch (r.nextInt(11)) {
                case 0 -> UsersSource.update(c, "INSERT INTO accounts SELECT ?, " + ALL + " FROM (SELECT ?::int AS g) x", nextId.getAndIncrement(), g);
                // through the value map and back out of it
                case 1 -> UsersSource.update(c, "UPDATE accounts SET status = (SELECT " + STATUS + " FROM (SELECT ?::int AS g) x)"
                        + (columnAdded ? ", phone = '+49 ' || user_id" : "") + " WHERE user_id = ?", g, id);
                case 2 -> UsersSource.update(c, "UPDATE accounts SET (email, modified_date) = (SELECT " + EMAIL + ", " + MODIFIED
                        + " FROM (SELECT ?::int AS g) x) WHERE user_id = ?", g, id);
                // the split rows go with their JSON, and come back with it
                case 3 -> UsersSource.update(c, "UPDATE accounts SET profile_data = NULL WHERE user_id = ?", id);
                case 4 -> UsersSource.update(c, "UPDATE accounts SET profile_data = (SELECT " + PROFILE + " FROM (SELECT ?::int AS g) x)"
                        + " WHERE user_id = ?", g, id);
                case 5 -> UsersSource.update(c, "UPDATE accounts SET settings_data = CASE WHEN settings_data IS NULL"
                        + " THEN (SELECT " + SETTINGS + " FROM (SELECT ?::int AS g) x) END WHERE user_id = ?", g, id);
                // a key removed (the default comes back) or a boolean flipped inside the JSON
                case 6 -> UsersSource.update(c, "UPDATE accounts SET settings_data = CASE WHEN ? % 2 = 0 THEN settings_data - 'theme'"
                        + " ELSE jsonb_set(settings_data, '{notifications_enabled}', to_jsonb(? % 3 = 0)) END"
                        + " WHERE user_id = ? AND jsonb_typeof(settings_data) = 'object'", g, g, id);
                // a key change: deletes in every target table under the old id, inserts under the new one
                case 7 -> UsersSource.update(c, "UPDATE accounts SET user_id = ? WHERE user_id = ?", nextId.getAndIncrement(), id);
                case 8 -> UsersSource.update(c, "DELETE FROM accounts WHERE user_id = ?", id);
                // rows with the out-of-line bio: an update that leaves the bio out of the log
                case 9 -> UsersSource.update(c, "UPDATE accounts SET modified_date = now()::timestamp" + (columnAdded ? ", phone = ?" : ", email = ?")
                        + " WHERE user_id = ?", "+1 555 " + g, 50L * (1 + r.nextInt(seeded / 50)));
                default -> UsersSource.update(c, "UPDATE accounts SET status = ? WHERE user_id = ?",
                        new String[] {"new", "in_progress", "completed"}[r.nextInt(3)], id);
            }
        }
    }

    @Override
    public void addColumn(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("ALTER TABLE accounts ADD COLUMN phone TEXT");
        }
        columnAdded = true;
    }

    @Override
    public List<DevService> targets() {
        return List.of(mysql);
    }

    @Override
    public Optional<Poison> poison() {
        return Optional.of(new Poison() {
            @Override
            public void write(Connection c) throws SQLException {
                // only accounts maps created_date: user_profiles and user_settings get this row; accounts cannot
                UsersSource.update(c, "INSERT INTO accounts SELECT ?, " + EMAIL + ", 'infinity'::timestamp, " + MODIFIED + ", " + STATUS + ", "
                        + PROFILE + ", " + SETTINGS + " FROM (SELECT 1001::int AS g) x", POISON_ID);
            }

            @Override
            public String expectedReason() {
                return "created_at: a DATETIME cannot hold infinity";
            }

            @Override
            public void repair(Connection c) throws SQLException {
                UsersSource.update(c, "UPDATE accounts SET created_date = timestamp '2024-02-29 23:59:59.999999' WHERE user_id = ?", POISON_ID);
            }
        });
    }

    @Override
    public Map<String, List<String>> expected() throws Exception {
        Map<String, List<String>> out = new LinkedHashMap<>();
        try (Connection c = connectSource()) {
            out.put("accounts", Rows.query(c, EXPECTED_ACCOUNTS));
            out.put("user_profiles", Rows.query(c, EXPECTED_PROFILES));
            out.put("user_settings", Rows.query(c, EXPECTED_SETTINGS));
        }
        // the explicit columns of each mapping, nothing more: the added phone column stays out of accounts
        out.put("columns", List.of("accounts: id, email, created_at, updated_at, status", "user_profiles: user_id, first_name, last_name, avatar_url",
                "user_settings: user_id, theme, notifications_enabled"));
        return out;
    }

    @Override
    public Map<String, List<String>> actual() throws Exception {
        Map<String, List<String>> out = new LinkedHashMap<>();
        try (Connection c = mysql.connect(TARGET_DB)) {
            out.put("accounts", Rows.query(c, "SELECT CAST(id AS CHAR) AS id, email, " + myTime("created_at") + " AS created_at, "
                    + myTime("updated_at") + " AS updated_at, status FROM accounts"));
            out.put("user_profiles", Rows.query(c, "SELECT CAST(user_id AS CHAR) AS user_id, first_name, last_name, avatar_url FROM user_profiles"));
            out.put("user_settings", Rows.query(c, "SELECT CAST(user_id AS CHAR) AS user_id, theme, CASE WHEN notifications_enabled IS NULL"
                    + " THEN NULL WHEN notifications_enabled THEN 'true' ELSE 'false' END AS notifications_enabled FROM user_settings"));
            List<String> columns = new java.util.ArrayList<>();
            try (Statement s = c.createStatement(); var rs = s.executeQuery("SELECT table_name, GROUP_CONCAT(column_name ORDER BY"
                    + " ordinal_position SEPARATOR ', ') FROM information_schema.columns WHERE table_schema = '" + TARGET_DB + "' GROUP BY table_name")) {
                while (rs.next()) {
                    columns.add(rs.getString(1) + ": " + rs.getString(2));
                }
            }
            columns.sort(null);
            out.put("columns", columns);
        }
        return out;
    }

    /** A timestamp as text with its six fractional digits, the same on both sides. */
    private static String pgTime(String column) {
        return "to_char(" + column + ", 'YYYY-MM-DD HH24:MI:SS.US')";
    }

    private static String myTime(String column) {
        return "DATE_FORMAT(" + column + ", '%Y-%m-%d %H:%i:%s.%f')";
    }
}
