package io.ferry.app.demo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's source: the seeds' users, user_sessions and user_events (SCENARIOS.md, scenario 1) with
 * sample rows, and a writer that keeps inserting, updating and deleting in small transactions.
 */
final class DemoSource {

    private static final Logger log = LoggerFactory.getLogger(DemoSource.class);
    private static final String[] EVENT_TYPES = {"login", "logout", "page_view", "purchase", "search"};

    private final Supplier<Connection> connections;
    private final AtomicLong transactions = new AtomicLong();
    private volatile boolean writing;
    private Thread writer;

    DemoSource(Supplier<Connection> connections) {
        this.connections = connections;
    }

    /** Creates the tables (again, when they exist) and fills them. */
    void seed(int users) throws SQLException {
        try (Connection c = connections.get(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS user_events, user_sessions, users");
            s.execute("CREATE TABLE users (user_id SERIAL PRIMARY KEY, email VARCHAR(255) UNIQUE NOT NULL,"
                    + " name VARCHAR(255) NOT NULL, created_at TIMESTAMP DEFAULT now())");
            s.execute("CREATE TABLE user_sessions (session_id UUID PRIMARY KEY, user_id INTEGER REFERENCES users(user_id),"
                    + " device_info JSONB, created_at TIMESTAMP DEFAULT now(), last_activity TIMESTAMP DEFAULT now())");
            s.execute("CREATE TABLE user_events (event_id UUID PRIMARY KEY, user_id INTEGER REFERENCES users(user_id),"
                    + " event_type VARCHAR(50), event_data JSONB, created_at TIMESTAMP DEFAULT now())");
            s.execute("INSERT INTO users (email, name, created_at) SELECT 'user' || g || '@example.com', 'User ' || g,"
                    + " now() - (g || ' minutes')::interval FROM generate_series(1, " + users + ") g");
            s.execute("INSERT INTO user_sessions (session_id, user_id, device_info, created_at, last_activity)"
                    + " SELECT gen_random_uuid(), 1 + g % " + users + ", jsonb_build_object('os', (ARRAY['linux','ios','android'])[1 + g % 3],"
                    + " 'app', '1.' || (g % 7)), now() - (g || ' seconds')::interval, now() - (g || ' seconds')::interval"
                    + " FROM generate_series(1, " + users * 3 + ") g");
            s.execute("INSERT INTO user_events (event_id, user_id, event_type, event_data, created_at)"
                    + " SELECT gen_random_uuid(), 1 + g % " + users + ", (ARRAY['login','logout','page_view','purchase','search'])[1 + g % 5],"
                    + " jsonb_build_object('n', g, 'note', 'sample event ' || g), now() - (g || ' seconds')::interval"
                    + " FROM generate_series(1, " + users * 10 + ") g");
            s.execute("ANALYZE");
        }
        log.info("demo source: {} users, {} sessions, {} events", users, users * 3, users * 10);
    }

    /** Starts writing about {@code perSecond} small transactions a second until {@link #stopWriting()}. */
    void startWriting(int perSecond) {
        writing = true;
        writer = new Thread(() -> write(perSecond), "demo-writer");
        writer.setDaemon(true);
        writer.start();
    }

    private void write(int perSecond) {
        long pause = 1000 / Math.max(1, perSecond);
        while (writing) {
            try (Connection c = connections.get()) {
                c.setAutoCommit(false);
                while (writing) {
                    oneTransaction(c);
                    c.commit();
                    transactions.incrementAndGet();
                    Thread.sleep(pause);
                }
            } catch (SQLException e) {
                log.warn("demo writer: {} (retrying)", e.getMessage());
                sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static void oneTransaction(Connection c) throws SQLException {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        int choice = r.nextInt(10);
        if (choice < 4) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO user_events (event_id, user_id, event_type, event_data)"
                    + " SELECT gen_random_uuid(), user_id, ?, jsonb_build_object('live', true) FROM users ORDER BY random() LIMIT 1")) {
                ps.setString(1, EVENT_TYPES[r.nextInt(EVENT_TYPES.length)]);
                ps.executeUpdate();
            }
        } else if (choice < 7) {
            try (Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE user_sessions SET last_activity = now() WHERE session_id = (SELECT session_id FROM user_sessions"
                        + " ORDER BY random() LIMIT 1)");
            }
        } else if (choice < 8) {
            try (Statement s = c.createStatement()) {
                s.executeUpdate("WITH u AS (INSERT INTO users (email, name) VALUES ('live-' || gen_random_uuid() || '@example.com',"
                        + " 'Live user') RETURNING user_id) INSERT INTO user_sessions (session_id, user_id, device_info)"
                        + " SELECT gen_random_uuid(), user_id, '{\"os\": \"web\"}' FROM u");
            }
        } else if (choice < 9) {
            try (Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE users SET name = 'Renamed ' || user_id WHERE user_id = (SELECT user_id FROM users ORDER BY random() LIMIT 1)");
            }
        } else {
            try (Statement s = c.createStatement()) {
                s.executeUpdate("DELETE FROM user_sessions WHERE session_id = (SELECT session_id FROM user_sessions ORDER BY random() LIMIT 1)");
            }
        }
    }

    void stopWriting() {
        writing = false;
        if (writer != null) {
            try {
                writer.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    long transactions() {
        return transactions.get();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
