package io.ferry.app;

import io.ferry.core.config.PipelineConfig;
import io.ferry.core.config.PipelineLoader;
import io.ferry.devstack.PostgresService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The app tests' migration: PostgreSQL users and sessions into a PostgreSQL users table with a session
 * count and the last login, and the checks that compare both sides with plain SQL.
 */
final class UsersPipeline {

    private final PostgresService pg;
    private final String source;
    private final String target;
    /** {@code source.tables}, a YAML flow list. */
    String tables = "[public.users, public.user_sessions]";

    UsersPipeline(PostgresService pg, String source, String target) {
        this.pg = pg;
        this.source = source;
        this.target = target;
    }

    /** An empty directory under target/ for one test's data (a previous run's state would not match fresh servers). */
    static Path freshDir(String name) throws java.io.IOException {
        Path dir = Path.of("target", name).toAbsolutePath();
        if (Files.exists(dir)) {
            try (var all = Files.walk(dir)) {
                for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        return dir;
    }

    void createSource(int users) throws SQLException {
        createSource(users, 3);
    }

    /** @param sessionsPerUser 0 leaves user_sessions empty */
    void createSource(int users, int sessionsPerUser) throws SQLException {
        pg.createDatabase(source);
        pg.createDatabase(target);
        try (Connection c = pg.connect(source); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE users (user_id SERIAL PRIMARY KEY, email VARCHAR(255) UNIQUE NOT NULL, name VARCHAR(255) NOT NULL,"
                    + " created_at TIMESTAMP DEFAULT now(), prefs JSONB)");
            s.execute("CREATE TABLE user_sessions (session_id UUID PRIMARY KEY, user_id INTEGER REFERENCES users(user_id),"
                    + " device_info JSONB, created_at TIMESTAMP DEFAULT now(), last_activity TIMESTAMP DEFAULT now())");
            // numbers a double would change: parse_json's tree keeps them exact on the way to the target (session 27)
            s.execute("INSERT INTO users (email, name, created_at, prefs) SELECT 'u' || g || '@example.com', 'User ' || g,"
                    + " timestamp '2024-01-01' + g * interval '1 minute', ('{\"limit\": 12345678901234567890.123456789, \"ratio\":"
                    + " 0.10000000000000001, \"n\": ' || g || '.5}')::jsonb FROM generate_series(1, " + users + ") g");
            s.execute("INSERT INTO user_sessions (session_id, user_id, device_info, last_activity) SELECT gen_random_uuid(), 1 + g % "
                    + users + ", '{\"os\": \"linux\"}', timestamp '2024-02-01' + g * interval '1 second' FROM generate_series(1, "
                    + users * sessionsPerUser + ") g");
        }
    }

    void execute(String... statements) throws SQLException {
        run(source, statements);
    }

    /** Changes the target behind Ferry's back, as a drifted or damaged target would be. */
    void executeOnTarget(String... statements) throws SQLException {
        run(target, statements);
    }

    private void run(String database, String... statements) throws SQLException {
        try (Connection c = pg.connect(database); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    /**
     * Writes the pipeline file next to {@code dataDir} and loads it.
     *
     * @param kafka "" for the embedded Kafka, else a {@code kafka:} section's extra lines
     * @param extra more top-level sections (validation, http)
     */
    PipelineConfig config(String name, Path dataDir, String kafka, String extra) throws Exception {
        Path file = dataDir.resolveSibling(dataDir.getFileName() + ".yaml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, """
                pipeline:
                  name: %s
                  data_dir: %s
                kafka:
                  partitions: 2
                %s
                source:
                  type: postgres
                  host: %s
                  port: %d
                  database: %s
                  user: %s
                  password: %s
                  tables: %s
                  heartbeat: {interval: 1s}
                mappings:
                  - to: users
                    from: public.users
                    related:
                      sessions: {from: public.user_sessions, on: {user_id: user_id}}
                    columns:
                      user_id: user_id
                      email: email
                      name: name
                      session_count: count(sessions)
                      last_login: max(sessions.last_activity)
                      prefs: "parse_json(prefs)"
                sinks:
                  - name: pg
                    type: postgres
                    url: %s
                    user: %s
                    password: %s
                %s
                """.formatted(name, dataDir, kafka, pg.host(), pg.port(), source, pg.user(), pg.password(), tables, pg.jdbcUrl(target), pg.user(),
                pg.password(), extra));
        return PipelineLoader.standard().load(file);
    }

    /** The users as the mapping defines them, computed on the source with SQL. */
    List<String> expected() throws SQLException {
        return rows(source, "SELECT u.user_id, u.email, u.name, count(s.session_id), max(s.last_activity), u.prefs::text FROM users u"
                + " LEFT JOIN user_sessions s ON s.user_id = u.user_id GROUP BY u.user_id, u.email, u.name, u.prefs ORDER BY u.user_id");
    }

    /**
     * Waits until the target holds exactly the expected users; on timeout fails with only the rows that differ
     * (a list of hundreds of rows is cut short in a CI log before the difference shows).
     */
    void awaitTargetMatches(Duration within) {
        awaitTargetMatches(within, null);
    }

    /** As {@link #awaitTargetMatches(Duration)}; on timeout also quotes the warnings and errors {@code childLog} ends with. */
    void awaitTargetMatches(Duration within, Path childLog) {
        try {
            Awaitility.await().atMost(within).until(() -> actual().equals(expected()));
        } catch (ConditionTimeoutException e) {
            String message;
            try {
                message = "target " + target + " still differs from the source after " + within + ":\n" + differences(expected(), actual());
            } catch (SQLException q) {
                message = "target " + target + " still differs from the source after " + within + " (cannot list how: " + q + ")";
            }
            throw new AssertionError(message + (childLog == null ? "" : "\n" + problems(childLog)), e);
        }
    }

    /** The expected rows the target lacks and the rows it has that were not expected, at most 20 of each. */
    static String differences(List<String> expected, List<String> actual) {
        Set<String> have = new HashSet<>(actual);
        Set<String> want = new HashSet<>(expected);
        List<String> missing = expected.stream().filter(r -> !have.contains(r)).toList();
        List<String> unexpected = actual.stream().filter(r -> !want.contains(r)).toList();
        return "  " + expected.size() + " rows expected, " + actual.size() + " in the target\n"
                + "  missing (" + missing.size() + "): " + missing.subList(0, Math.min(20, missing.size())) + "\n"
                + "  unexpected (" + unexpected.size() + "): " + unexpected.subList(0, Math.min(20, unexpected.size()));
    }

    /** The last 40 WARN/ERROR lines of a child's log, for a failure message. */
    private static String problems(Path log) {
        try (var lines = Files.lines(log)) {
            List<String> bad = lines.filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")).toList();
            return "last warnings and errors of " + log + ":\n  " + String.join("\n  ", bad.subList(Math.max(0, bad.size() - 40), bad.size()));
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return "(no log at " + log + ": " + e + ")";
        }
    }

    List<String> actual() throws SQLException {
        try {
            return rows(target, "SELECT user_id, email, name, session_count, last_login, prefs::text FROM users ORDER BY user_id");
        } catch (SQLException e) {
            return List.of("(no table yet: " + e.getMessage() + ")");
        }
    }

    private List<String> rows(String database, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = pg.connect(database); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                out.add(r.getLong(1) + "|" + r.getString(2) + "|" + r.getString(3) + "|" + r.getLong(4) + "|" + r.getTimestamp(5) + "|"
                        + r.getString(6));
            }
        }
        return out;
    }
}
