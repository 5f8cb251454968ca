package io.ferry.e2e;

import io.ferry.devstack.DevService;
import io.ferry.devstack.KafkaService;
import io.ferry.devstack.PostgresService;
import io.ferry.devstack.Service;
import io.ferry.devstack.junit.WithServices;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Migration 3, {@code config/postgres-to-postgres.yaml}: a version upgrade, scenario 1's tables 1:1 plus a table of
 * every type in the capture type table (docs/types.md), which the test adds to the example's tables and mappings.
 * The added column reaches the target ({@code evolution: evolve}). Crash steps only with {@code -Dferry.e2e.full=true}:
 * source and target share devstack's one PostgreSQL, so restarting the target restarts the source too.
 */
@WithServices({Service.POSTGRES, Service.KAFKA})
class PostgresToPostgresIT implements Migration {

    /** Column, type and value as SQL over the row number {@code g}; NULLs, unicode, large text, special values. */
    private static final String[][] TYPES = {
            {"b", "boolean", "CASE WHEN g % 17 = 0 THEN NULL ELSE g % 2 = 0 END"},
            {"i2", "smallint", "(g % 65536 - 32768)::smallint"},
            {"i4", "integer", "(g::bigint * 104729 % 2147483647)::int"},
            {"i8", "bigint", "g::bigint * 1000000007 * (CASE WHEN g % 2 = 0 THEN 1 ELSE -1 END)"},
            {"n", "numeric(12,2)", "(g * 1.25)::numeric(12,2)"},
            {"nu", "numeric", "CASE WHEN g % 50 = 0 THEN 'NaN'::numeric ELSE g::numeric / 7 END"},
            {"r", "real", "(g / 3.0)::real"},
            {"d", "double precision", "CASE WHEN g % 40 = 0 THEN 'Infinity'::float8 WHEN g % 41 = 0 THEN 'NaN'::float8 ELSE g / 9.0 END"},
            {"m", "money", "(g * 1.01)::numeric::money"},
            {"t", "text", "CASE WHEN g % 19 = 0 THEN NULL WHEN g % 101 = 0 THEN repeat('große Daten ✓ ', 3000) ELSE 'text ' || g || ' Grüße 世界 🚢' END"},
            {"vc", "varchar(40)", "'vc' || g"},
            {"ch", "char(5)", "lpad((g % 1000)::text, 3)"},
            {"by", "bytea", "decode(md5(g::text), 'hex')"},
            {"u", "uuid", "md5(g::text)::uuid"},
            {"dt", "date", "CASE WHEN g % 60 = 0 THEN 'infinity'::date ELSE date '2000-01-01' + g END"},
            {"tm", "time(6)", "time '00:00' + (g % 86000) * interval '1.000001 second'"},
            {"ttz", "timetz", "((time '10:00' + (g % 3600) * interval '1 second')::text || '+0' || (g % 9))::timetz"},
            {"ts", "timestamp(6)", "CASE WHEN g % 70 = 0 THEN '-infinity'::timestamp ELSE timestamp '2024-03-15 10:30:00' + g * interval '1.123457 second' END"},
            {"tstz", "timestamptz", "timestamptz '2024-03-15 12:30:00.5+02' + g * interval '1 minute 0.000001 second'"},
            {"iv", "interval", "make_interval(years => g % 3, months => g % 12, days => g % 30, secs => g / 1000.0)"},
            {"j", "json", "('{\"b\": ' || g || ',   \"a\": [true, null]}')::json"},
            {"jb", "jsonb", "CASE WHEN g % 23 = 0 THEN NULL ELSE jsonb_build_object('k', g, 'nested', jsonb_build_object('arr', jsonb_build_array(1, 'two', null)), 'ü', 'ß') END"},
            {"arr", "integer[]", "ARRAY[g, NULL, g + 1]"},
            {"tarr", "text[]", "ARRAY['x' || g, 'y z', 'quote\"s']"},
            {"e", "mood", "(ARRAY['sad','happy'])[1 + g % 2]::mood"},
            {"ip", "inet", "('192.168.' || (g % 256) || '.' || (g % 200) || '/24')::inet"},
            {"bits", "bit(8)", "(g % 256)::bit(8)"},
            {"x", "xml", "xmlelement(name r, g)"},
    };
    private static final String COLUMNS = java.util.Arrays.stream(TYPES).map(t -> t[0]).collect(Collectors.joining(", "));
    private static final String VALUES = java.util.Arrays.stream(TYPES).map(t -> t[2]).collect(Collectors.joining(", "));

    private final PostgresService pg;
    private final KafkaService kafka;
    private final UsersSource source;
    private int samples;
    private int nextSample;

    PostgresToPostgresIT(PostgresService pg, KafkaService kafka) {
        this.pg = pg;
        this.kafka = kafka;
        this.source = new UsersSource(pg, "e2e_upgrade_src", "ferry_app_upgrade");
    }

    @Test
    void upgradesUnderLoadThroughCrashesAndReachesReady() throws Exception {
        new MigrationRun(this, kafka, false).run();
    }

    @Override
    public String example() {
        return "postgres-to-postgres";
    }

    @Override
    public void prepare(int scale) throws Exception {
        source.create(scale);
        Postgres.recreate(pg, "e2e_upgrade_dst", null);
        samples = 2000 * scale;
        nextSample = samples + 1;
        try (Connection c = source.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TYPE mood AS ENUM ('sad', 'happy')");
            s.execute("CREATE TABLE type_samples (id bigint PRIMARY KEY, "
                    + java.util.Arrays.stream(TYPES).map(t -> t[0] + " " + t[1]).collect(Collectors.joining(", ")) + ")");
            s.execute("INSERT INTO type_samples (id, " + COLUMNS + ") SELECT g, " + VALUES + " FROM generate_series(1, " + samples + ") g");
        }
    }

    @Override
    public void configure(PipelineFile file) {
        file.postgresSource(pg, source.database());
        file.sink("postgres17").putAll(Map.of("url", pg.jdbcUrl("e2e_upgrade_dst"), "user", pg.user(), "password", pg.password()));
        file.captureAlso("public.type_samples");
        file.mappings().add(new LinkedHashMap<>(Map.of("to", "type_samples", "from", "public.type_samples")));
    }

    @Override
    public Connection connectSource() throws SQLException {
        return source.connect();
    }

    @Override
    public void transaction(Connection c, Random r) throws SQLException {
        source.transaction(c, r);
        int id = 1 + r.nextInt(samples);
        switch (r.nextInt(4)) {
            // every column anew from another row number
            case 0 -> UsersSource.update(c, "UPDATE type_samples SET (" + COLUMNS + ") = (SELECT " + VALUES + " FROM (SELECT ?::int AS g) x)"
                    + " WHERE id = ?", r.nextInt(100_000), id);
            // one column: the large text is left out of the log (TOAST) and must stay as it is
            case 1 -> UsersSource.update(c, "UPDATE type_samples SET vc = ? WHERE id = ?", "upd " + r.nextInt(1000), id);
            case 2 -> UsersSource.update(c, "DELETE FROM type_samples WHERE id = ?", id);
            default -> UsersSource.update(c, "INSERT INTO type_samples (id, " + COLUMNS + ") SELECT ?, " + VALUES + " FROM (SELECT ?::int AS g) x",
                    (long) nextSample++, r.nextInt(100_000));
        }
    }

    @Override
    public void addColumn(Connection c) throws SQLException {
        source.addColumn(c);
    }

    @Override
    public List<DevService> targets() {
        return List.of(pg);
    }

    @Override
    public Map<String, List<String>> expected() throws Exception {
        try (Connection c = source.connect()) {
            return tables(c);
        }
    }

    @Override
    public Map<String, List<String>> actual() throws Exception {
        try (Connection c = pg.connect("e2e_upgrade_dst")) {
            return tables(c);
        }
    }

    /** The same query on both sides: a 1:1 mapping's expected target is the source itself. */
    private Map<String, List<String>> tables(Connection c) throws SQLException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        out.put("users", Rows.query(c, "SELECT user_id, email, name, created_at, nickname FROM users"));
        out.put("user_sessions", Rows.query(c, "SELECT session_id, user_id, device_info, created_at, last_activity FROM user_sessions"));
        out.put("user_events", Rows.query(c, "SELECT event_id, user_id, event_type, event_data, created_at FROM user_events"));
        out.put("type_samples", Rows.query(c, "SELECT id, " + COLUMNS + " FROM type_samples"));
        return out;
    }
}
