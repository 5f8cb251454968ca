package io.ferry.app.bench;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;

/**
 * The benchmark's table, with the row of capture's and sinks' benchmarks (~200 bytes: a bigint key, two
 * short texts, a numeric(12,2), a timestamp and a 96-character text): its DDL, its bulk fill, the single-row
 * changes the load generator makes and the queries that tell when the target has them.
 */
final class BenchTable {

    static final String NAME = "bench";
    static final String INSERT = "INSERT INTO bench (id, name, email, amount, created_at, payload) VALUES (?, ?, ?, ?, ?, ?)";
    static final String UPDATE = "UPDATE bench SET name = ?, amount = ?, created_at = ? WHERE id = ?";
    /** Rows among the given ids, with their name: how a steady-phase change is seen in the target. */
    static final String NAMES_OF = "SELECT id, name FROM bench WHERE id = ANY(?)";

    private static final int FILL_CHUNK = 100_000;

    private BenchTable() {
    }

    /** The source engines' SQL for the table and its fill. */
    enum Dialect {
        POSTGRES("CREATE TABLE bench (id bigint PRIMARY KEY, name text, email text, amount numeric(12,2), created_at timestamp,"
                + " payload text)",
                "INSERT INTO bench SELECT g, 'name ' || g, 'user' || g || '@example.com', (g %% 100000) / 100.0,"
                + " timestamp '2024-01-01' + g * interval '1 second', repeat(md5(g::text), 3) FROM generate_series(%d, %d) g",
                "ANALYZE bench"),
        /** {@code seq_<from>_to_<to>} is MariaDB's Sequence engine, built in. */
        MARIADB("CREATE TABLE bench (id bigint PRIMARY KEY, name text, email text, amount decimal(12,2), created_at datetime(6),"
                + " payload text)",
                "INSERT INTO bench SELECT seq, concat('name ', seq), concat('user', seq, '@example.com'), (seq %% 100000) / 100.0,"
                + " timestamp '2024-01-01 00:00:00' + interval seq second, repeat(md5(seq), 3) FROM seq_%d_to_%d",
                "ANALYZE TABLE bench");

        private final String create;
        private final String fill;
        private final String analyze;

        Dialect(String create, String fill, String analyze) {
            this.create = create;
            this.fill = fill;
            this.analyze = analyze;
        }
    }

    /** Creates the table (again, when it exists) and fills it with rows 1..rows. */
    static void createAndFill(Connection c, long rows, Dialect dialect) throws SQLException {
        try (Statement s = c.createStatement()) {
            create(s, dialect);
            for (long from = 1; from <= rows; from += FILL_CHUNK) {
                s.execute(String.format(dialect.fill, from, Math.min(from + FILL_CHUNK - 1, rows)));
            }
            s.execute(dialect.analyze);
        }
    }

    /** Creates the table empty in PostgreSQL (again, when it exists): the peer's sink and the floor's subscription need it. */
    static void create(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            create(s, Dialect.POSTGRES);
        }
    }

    private static void create(Statement s, Dialect dialect) throws SQLException {
        s.execute("DROP TABLE IF EXISTS bench");
        s.execute(dialect.create);
    }

    static String insertedName(long id) {
        return "name " + id;
    }

    /** The name a steady-phase update gives a row: unique per change, so its arrival is unmistakable. */
    static String updatedName(long id, long seq) {
        return "name " + id + " s" + seq;
    }

    /** The name a backlog update gives a row; {@link #BACKLOG_APPLIED} looks for it. */
    static String backlogName(long id) {
        return "name " + id + " b";
    }

    static void bindInsert(PreparedStatement ps, long id) throws SQLException {
        ps.setLong(1, id);
        ps.setString(2, insertedName(id));
        ps.setString(3, "user" + id + "@example.com");
        ps.setBigDecimal(4, BigDecimal.valueOf(id % 100_000, 2));
        ps.setObject(5, now());
        ps.setString(6, payload(id));
    }

    static void bindUpdate(PreparedStatement ps, long id, String name) throws SQLException {
        ps.setString(1, name);
        ps.setBigDecimal(2, BigDecimal.valueOf((id + 1) % 100_000, 2));
        ps.setObject(3, now());
        ps.setLong(4, id);
    }

    /** 96 hexadecimal characters derived from the id, like the fill's {@code repeat(md5(id), 3)}. */
    private static String payload(long id) {
        StringBuilder b = new StringBuilder(96);
        long x = id;
        while (b.length() < 96) {
            x = x * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L;
            String hex = Long.toHexString(x ^ (x >>> 29));
            b.append("0".repeat(16 - hex.length())).append(hex);
        }
        return b.toString();
    }

    private static LocalDateTime now() {
        return LocalDateTime.now().truncatedTo(ChronoUnit.MICROS);
    }
}
