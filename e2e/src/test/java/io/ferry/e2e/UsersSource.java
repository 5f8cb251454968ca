package io.ferry.e2e;

import io.ferry.devstack.PostgresService;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Golden scenario 1's PostgreSQL source (users, user_sessions, user_events) for the migrations that read it: its
 * schema, a seeded data set with NULLs, unicode and large JSON, and the writer's random transactions. Every
 * {@code last_activity} is distinct (a counter of milliseconds), so "the latest session" is never a tie.
 */
final class UsersSource {

    static final String USERS_DDL = "CREATE TABLE users (user_id SERIAL PRIMARY KEY, email VARCHAR(255) UNIQUE NOT NULL,"
            + " name VARCHAR(255) NOT NULL, created_at TIMESTAMP DEFAULT now())";
    static final String SESSIONS_DDL = "CREATE TABLE user_sessions (session_id UUID PRIMARY KEY, user_id INTEGER REFERENCES users(user_id),"
            + " device_info JSONB, created_at TIMESTAMP DEFAULT now(), last_activity TIMESTAMP DEFAULT now())";
    static final String EVENTS_DDL = "CREATE TABLE user_events (event_id UUID PRIMARY KEY, user_id INTEGER REFERENCES users(user_id),"
            + " event_type VARCHAR(50), event_data JSONB, created_at TIMESTAMP DEFAULT now())";

    private static final String[] TYPES = {"login", "page_view", "purchase", "logout", "search"};

    private final PostgresService pg;
    private final String database;
    private final String slot;
    /** Milliseconds after 2025-01-01 for the next last_activity; above every seeded one. */
    private final AtomicLong clock = new AtomicLong(100_000_000L);
    private final AtomicLong nextEmail = new AtomicLong(1_000_000);
    private volatile boolean columnAdded;
    private int users;

    UsersSource(PostgresService pg, String database, String slot) {
        this.pg = pg;
        this.database = database;
        this.slot = slot;
    }

    String database() {
        return database;
    }

    Connection connect() throws SQLException {
        return pg.connect(database);
    }

    boolean columnAdded() {
        return columnAdded;
    }

    /** Drops the database (and the slot a previous run left in it), creates the tables and seeds them. */
    void create(int scale) throws SQLException {
        Postgres.recreate(pg, database, slot);
        users = 1000 * scale;
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(USERS_DDL);
            s.execute(SESSIONS_DDL);
            s.execute(EVENTS_DDL);
            s.execute("INSERT INTO users (email, name, created_at) SELECT 'u' || g || '@example.com',"
                    + " CASE WHEN g % 7 = 0 THEN 'Zoë Ünïcødé ' || g || ' 日本語 🚀' ELSE 'User ' || g END,"
                    + " timestamp '2024-01-01' + g * interval '1 minute 13.123456 seconds' FROM generate_series(1, " + users + ") g");
            s.execute("INSERT INTO user_sessions (session_id, user_id, device_info, created_at, last_activity) SELECT gen_random_uuid(),"
                    + " 1 + g % " + users + ", CASE WHEN g % 11 = 0 THEN NULL ELSE jsonb_build_object('os', 'linux', 'n', g,"
                    + " 'tags', jsonb_build_array('a', g % 3, true)) END, timestamp '2024-02-01' + g * interval '1 second',"
                    + " timestamp '2024-06-01' + g * interval '1.5 second' FROM generate_series(1, " + users * 3 + ") g");
            s.execute("INSERT INTO user_events (event_id, user_id, event_type, event_data, created_at) SELECT gen_random_uuid(),"
                    + " 1 + g % " + users + ", (ARRAY['login','page_view','purchase','logout','search'])[1 + g % 5],"
                    + " CASE WHEN g % 13 = 0 THEN NULL WHEN g % 97 = 0 THEN jsonb_build_object('blob', repeat('x€', 5000), 'g', g)"
                    + " ELSE jsonb_build_object('page', '/p/' || g, 'ms', g % 1000, 'unicode', 'ça va ✓') END,"
                    + " timestamp '2024-03-01' + g * interval '17 minutes 3.5 seconds' FROM generate_series(1, " + users * 3 + ") g");
        }
    }

    /** One random transaction: new users with sessions and events, renames, new activity, moves, key changes, deletes. */
    void transaction(Connection c, Random r) throws SQLException {
        int ops = 1 + r.nextInt(4);
        for (int i = 0; i < ops; i++) {
            int user = 1 + r.nextInt(users);
            switch (r.nextInt(10)) {
                case 0 -> {
                    long id = insertUser(c, r);
                    insertSession(c, id, r);
                    insertEvent(c, id, r);
                }
                case 1 -> update(c, "UPDATE users SET name = ?" + (columnAdded ? ", nickname = 'nick ' || user_id" : "") + " WHERE user_id = ?",
                        "Renamed " + r.nextInt(1000) + " ñ", user);
                case 2 -> update(c, "UPDATE users SET email = ? WHERE user_id = ?", "m" + nextEmail.incrementAndGet() + "@example.org", user);
                case 3 -> insertSession(c, user, r);
                case 4 -> update(c, "UPDATE user_sessions SET last_activity = timestamp '2025-01-01' + ? * interval '1 millisecond',"
                        + " device_info = jsonb_build_object('os', 'android', 'v', ?) WHERE session_id = (SELECT session_id FROM user_sessions"
                        + " WHERE user_id = ? LIMIT 1)", clock.addAndGet(1 + r.nextInt(5000)), r.nextInt(100), user);
                case 5 -> insertEvent(c, user, r);
                case 6 -> update(c, "UPDATE user_events SET event_type = ?, created_at = created_at + interval '1 day 1 hour'"
                        + " WHERE event_id = (SELECT event_id FROM user_events WHERE user_id = ? LIMIT 1)", TYPES[r.nextInt(TYPES.length)], user);
                case 7 -> update(c, "UPDATE user_events SET event_id = gen_random_uuid() WHERE event_id = (SELECT event_id FROM user_events"
                        + " WHERE user_id = ? ORDER BY created_at LIMIT 1)", user);
                case 8 -> update(c, "DELETE FROM user_events WHERE event_id = (SELECT event_id FROM user_events WHERE user_id = ? LIMIT 1)", user);
                default -> update(c, "DELETE FROM user_sessions WHERE session_id = (SELECT session_id FROM user_sessions WHERE user_id = ?"
                        + " LIMIT 1)", user);
            }
        }
    }

    /** The schema change: users gains {@code nickname}, which later renames fill. */
    void addColumn(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("ALTER TABLE users ADD COLUMN nickname TEXT");
        }
        columnAdded = true;
    }

    private long insertUser(Connection c, Random r) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO users (email, name) VALUES (?, ?) RETURNING user_id")) {
            p.setString(1, "n" + nextEmail.incrementAndGet() + "@example.com");
            p.setString(2, r.nextBoolean() ? "New ✈ user" : "New user " + r.nextInt(100));
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private void insertSession(Connection c, long user, Random r) throws SQLException {
        update(c, "INSERT INTO user_sessions (session_id, user_id, device_info, last_activity) VALUES (gen_random_uuid(), ?,"
                + " jsonb_build_object('os', 'ios', 'k', ?), timestamp '2025-01-01' + ? * interval '1 millisecond')", user, r.nextInt(1000),
                clock.addAndGet(1 + r.nextInt(5000)));
    }

    private void insertEvent(Connection c, long user, Random r) throws SQLException {
        update(c, "INSERT INTO user_events (event_id, user_id, event_type, event_data, created_at) VALUES (gen_random_uuid(), ?, ?,"
                + " jsonb_build_object('q', ?), timestamp '2024-09-01' + ? * interval '1 second')", user, TYPES[r.nextInt(TYPES.length)],
                "search ✓ " + r.nextInt(100), r.nextInt(10_000_000));
    }

    static void update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                p.setObject(i + 1, args[i]);
            }
            p.executeUpdate();
        }
    }
}
