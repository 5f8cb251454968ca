package io.ferry.validation.diff;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.ferry.core.config.PipelineConfig;
import io.ferry.core.config.PipelineLoader;
import io.ferry.core.config.Problems;
import io.ferry.core.config.SinkSettings;
import io.ferry.core.event.Row;
import io.ferry.core.event.SourceInfo;
import io.ferry.core.event.TableId;
import io.ferry.core.event.TargetEvent;
import io.ferry.core.schema.Column;
import io.ferry.core.schema.TableSchema;
import io.ferry.core.spi.Sink;
import io.ferry.core.spi.SinkFactories;
import io.ferry.core.spi.TargetTable;
import io.ferry.core.types.CanonicalType;
import io.ferry.core.types.ColumnType;
import io.ferry.devstack.CassandraService;
import io.ferry.devstack.MongoService;
import io.ferry.devstack.PostgresService;
import io.ferry.devstack.Service;
import io.ferry.devstack.junit.WithServices;
import io.ferry.sinks.runtime.RuntimeSinkContext;
import io.ferry.transform.mapping.Mappings;
import io.ferry.transform.mapping.TargetShapes;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The validator against real servers: a PostgreSQL source with scenario 1's users and sessions, mapped with aggregates
 * into a PostgreSQL and a Cassandra target that the test fills by hand; customers with nested orders into MongoDB.
 */
@WithServices({Service.POSTGRES, Service.CASSANDRA, Service.MONGODB})
class ValidatorIT {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final DateTimeFormatter MICROS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS");
    private static final AtomicInteger ORDER = new AtomicInteger();
    private static final TableId USERS = TableId.parse("public.users");
    private static final TableId SESSIONS = TableId.parse("public.user_sessions");
    private static final int USER_COUNT = 40;

    private static PostgresService pg;
    private static CassandraService cassandra;

    @BeforeAll
    static void source(PostgresService postgres, CassandraService c) throws SQLException {
        pg = postgres;
        cassandra = c;
        pg.createDatabase("validate_src");
        try (Connection conn = pg.connect("validate_src"); Statement s = conn.createStatement()) {
            s.execute("DROP TABLE IF EXISTS user_sessions, users, types");
            s.execute("CREATE TABLE users (user_id SERIAL PRIMARY KEY, email VARCHAR(255) UNIQUE NOT NULL, name VARCHAR(255) NOT NULL, "
                    + "created_at TIMESTAMP DEFAULT now())");
            s.execute("CREATE TABLE user_sessions (session_id UUID PRIMARY KEY, user_id INTEGER REFERENCES users(user_id), "
                    + "device_info JSONB, created_at TIMESTAMP DEFAULT now(), last_activity TIMESTAMP DEFAULT now())");
            // microsecond timestamps, so a millisecond target is compared at its own precision
            s.execute("INSERT INTO users (email, name, created_at) SELECT 'user' || i || '@example.com', 'User ' || i, "
                    + "TIMESTAMP '2024-03-15 10:30:00.123456' + i * INTERVAL '1 hour 0.000777 second' FROM generate_series(1, "
                    + USER_COUNT + ") i");
            // users 1..USER_COUNT-1 have (i % 3) sessions; the last user has none
            s.execute("INSERT INTO user_sessions (session_id, user_id, device_info, created_at, last_activity) "
                    + "SELECT md5(u || '-' || k)::uuid, u, jsonb_build_object('device', 'phone', 'n', k), "
                    + "TIMESTAMP '2024-04-01 08:00:00.000001' + k * INTERVAL '1 day', "
                    + "TIMESTAMP '2024-04-01 09:00:00.654321' + (u * 10 + k) * INTERVAL '1 minute 0.001001 second' "
                    + "FROM generate_series(1, " + (USER_COUNT - 1) + ") u, generate_series(1, 3) k WHERE k <= u % 3");
        }
    }

    private static final String USERS_MAPPING = """
              - to: users
                from: public.users
                related:
                  sessions: {from: public.user_sessions, on: {user_id: user_id}}
                columns:
                  user_id: {expr: user_id, cast: bigint}
                  email: email
                  name: name
                  created_at: created_at
                  session_count: count(sessions)
                  last_login: max(sessions.last_activity)
            """;

    private static String yaml(String sinks, List<TableId> tables, String mappings) {
        return yaml(sinks, tables, mappings, "");
    }

    private static String yaml(String sinks, List<TableId> tables, String mappings, String validation) {
        return """
                pipeline:
                  name: validate-it
                source:
                  type: postgres
                  host: %s
                  port: %d
                  database: validate_src
                  user: %s
                  password: %s
                  tables: %s
                sinks:
                %s
                mappings:
                %s
                %s""".formatted(pg.host(), pg.port(), pg.user(), pg.password(), tables, sinks.indent(2).stripTrailing(),
                mappings.stripTrailing(), validation);
    }

    /** The source schemas as capture would publish them. */
    private static Map<TableId, TableSchema> schemas() {
        Map<TableId, TableSchema> out = new LinkedHashMap<>();
        out.put(USERS, new TableSchema(USERS, List.of(new Column("user_id", ColumnType.of(CanonicalType.INT32), false),
                new Column("email", ColumnType.of(CanonicalType.STRING).withLength(255), false),
                new Column("name", ColumnType.of(CanonicalType.STRING).withLength(255), false),
                new Column("created_at", ColumnType.of(CanonicalType.TIMESTAMP), true)), List.of("user_id"), 1));
        out.put(SESSIONS, new TableSchema(SESSIONS, List.of(new Column("session_id", ColumnType.of(CanonicalType.UUID), false),
                new Column("user_id", ColumnType.of(CanonicalType.INT32), true),
                new Column("device_info", ColumnType.of(CanonicalType.JSON), true),
                new Column("created_at", ColumnType.of(CanonicalType.TIMESTAMP), true),
                new Column("last_activity", ColumnType.of(CanonicalType.TIMESTAMP), true)), List.of("session_id"), 1));
        return out;
    }

    /** A pipeline, the target shapes TargetShapes computes for it, and a validator over both. */
    private record Setup(PipelineConfig config, Map<String, Map<String, TargetTable>> targets, Validator validator) {

        static Setup of(String sinksYaml) {
            return of(sinksYaml, USERS_MAPPING, schemas());
        }

        static Setup of(String sinksYaml, String mappings, Map<TableId, TableSchema> schemas) {
            return of(sinksYaml, mappings, schemas, "");
        }

        static Setup of(String sinksYaml, String mappings, Map<TableId, TableSchema> schemas, String validation) {
            return of(sinksYaml, mappings, schemas, validation, BucketedComparison.ROW_CAP);
        }

        /** @param rowCap the most expected rows a row-by-row comparison holds at once */
        static Setup of(String sinksYaml, String mappings, Map<TableId, TableSchema> schemas, String validation, int rowCap) {
            PipelineConfig config = PipelineLoader.standard().parse(yaml(sinksYaml, List.copyOf(schemas.keySet()), mappings, validation),
                    "test.yaml");
            Problems problems = new Problems("t");
            Map<String, Map<String, TargetTable>> targets = new TargetShapes(problems).compute((Mappings) config.mappings(),
                    config.sinks().stream().map(SinkSettings::name).toList(), schemas);
            assertThat(problems.errors()).isEmpty();
            return new Setup(config, targets, new Validator(config, schemas, targets, SinkFactories.load(), Clock.systemUTC(), rowCap));
        }

        /** Opens the sink the way the runtime does, to fill the target by hand. */
        Sink sink(String name) {
            SinkSettings s = config.sinks().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
            return SinkFactories.load().require(s.type()).create(new RuntimeSinkContext("validate-it", name, s.options(),
                    () -> targets.get(name)));
        }
    }

    /** What the mapping should produce, computed in SQL on the source, as canonical rows. */
    private static List<Row> expectedUsers(Connection source) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (Statement s = source.createStatement(); ResultSet rs = s.executeQuery("SELECT u.user_id, u.email, u.name, u.created_at, "
                + "count(x.session_id), max(x.last_activity) FROM users u LEFT JOIN user_sessions x ON x.user_id = u.user_id "
                + "GROUP BY u.user_id ORDER BY u.user_id")) {
            while (rs.next()) {
                LocalDateTime last = rs.getObject(6, LocalDateTime.class);
                rows.add(Row.builder().put("user_id", F.numberNode(rs.getLong(1))).put("email", F.textNode(rs.getString(2)))
                        .put("name", F.textNode(rs.getString(3)))
                        .put("created_at", F.textNode(MICROS.format(rs.getObject(4, LocalDateTime.class))))
                        .put("session_count", F.numberNode(rs.getLong(5)))
                        .put("last_login", last == null ? F.nullNode() : F.textNode(MICROS.format(last))).build());
            }
        }
        return rows;
    }

    /** Each write newer than the last: Cassandra orders writes by their source time. */
    private static SourceInfo next() {
        int order = ORDER.incrementAndGet();
        return new SourceInfo("src", "0/" + order, order, "1", 1_700_000_000_000_000L + order, false);
    }

    private static void upsert(Sink sink, List<Row> rows) throws Exception {
        List<TargetEvent> events = new ArrayList<>();
        for (Row r : rows) {
            events.add(new TargetEvent.Upsert("users", Row.builder().put("user_id", r.get("user_id")).build(), r, next()));
        }
        sink.write(events);
    }

    private static Row key(long userId) {
        return Row.builder().put("user_id", F.numberNode(userId)).build();
    }

    private static Runnable noRecheck() {
        return () -> {
            throw new AssertionError("a clean first pass needs no recheck");
        };
    }

    /**
     * A shard the mapping's pattern matches but capture never published (left out of source.tables): its rows are in no
     * target, and validation expected none, so the table compared MATCH and the gate opened without them. Now ERROR, naming
     * the shard and the fix; an empty one is nothing to miss.
     */
    @Test
    void aShardThePatternMatchesButCaptureNeverPublishedIsAnError() throws Exception {
        pg.createDatabase("validate_shards");
        pg.createDatabase("validate_shards2");
        try (Connection c = pg.connect("validate_src"); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS shard_1, shard_2");
            s.execute("CREATE TABLE shard_1 (id INTEGER PRIMARY KEY, v TEXT)");
            s.execute("CREATE TABLE shard_2 (id INTEGER PRIMARY KEY, v TEXT)");
            s.execute("INSERT INTO shard_1 VALUES (1, 'a'), (2, 'b')");
        }
        TableId shard1 = TableId.parse("public.shard_1");
        Map<TableId, TableSchema> schemas = Map.of(shard1, new TableSchema(shard1, List.of(new Column("id", ColumnType.of(CanonicalType.INT32), false),
                new Column("v", ColumnType.of(CanonicalType.STRING), true)), List.of("id"), 1));
        Setup setup = Setup.of("""
                - name: pg
                  type: postgres
                  url: %s
                  user: %s
                  password: %s
                - name: pg2
                  type: postgres
                  url: %s
                  user: %s
                  password: %s
                """.formatted(pg.jdbcUrl("validate_shards"), pg.user(), pg.password(), pg.jdbcUrl("validate_shards2"), pg.user(),
                pg.password()), """
                  - to: shards
                    from: 'public\\.shard_\\d+'
                """, schemas);
        for (String name : List.of("pg", "pg2")) {
            try (Sink sink = setup.sink(name)) {
                List<TargetEvent> rows = new ArrayList<>();
                for (String[] r : new String[][] {{"1", "a"}, {"2", "b"}}) {
                    Row key = Row.builder().put("id", F.numberNode(Integer.parseInt(r[0]))).build();
                    rows.add(new TargetEvent.Upsert("shards", key, key.with("v", F.textNode(r[1])), next()));
                }
                sink.write(rows);
            }
        }
        // shard_2 is empty: nothing is missing
        assertThat(setup.validator().run(noRecheck()).tables()).hasSize(2)
                .allSatisfy(t -> assertThat(t.result()).as(t.toString()).isEqualTo(TableResult.MATCH));

        try (Connection c = pg.connect("validate_src"); Statement s = c.createStatement()) {
            s.execute("INSERT INTO shard_2 VALUES (3, 'c')");
        }
        // every sink's table of the mapping
        assertThat(setup.validator().run(() -> { }).tables()).hasSize(2).allSatisfy(t -> {
            assertThat(t.result()).isEqualTo(TableResult.ERROR);
            assertThat(t.detail()).contains("public.shard_2 match(es) the pattern public\\.shard_\\d+ of mapping 'shards' and hold rows",
                    "Add them to source.tables");
        });
    }

    @Test
    void postgresTargetMatchesThenReportsExactlyWhatDiffersAndNothingTheRecheckRepairs() throws Exception {
        pg.createDatabase("validate_dst");
        try (Connection c = pg.connect("validate_dst"); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS users");
        }
        Setup setup = Setup.of("""
                - name: pg
                  type: postgres
                  url: %s
                  user: %s
                  password: %s
                """.formatted(pg.jdbcUrl("validate_dst"), pg.user(), pg.password()));
        List<Row> expected;
        try (Connection source = pg.connect("validate_src")) {
            expected = expectedUsers(source);
        }
        try (Sink sink = setup.sink("pg")) {
            upsert(sink, expected);
        }

        ValidationReport clean = setup.validator().run(noRecheck());
        assertThat(clean.tables()).singleElement().satisfies(t -> {
            assertThat(t.result()).as(t.toString()).isEqualTo(TableResult.MATCH);
            assertThat(t.sourceRows()).isEqualTo(USER_COUNT);
            assertThat(t.targetRows()).isEqualTo(USER_COUNT);
        });
        assertThat(clean.clean()).isTrue();

        try (Connection c = pg.connect("validate_dst"); Statement s = c.createStatement()) {
            s.execute("DELETE FROM users WHERE user_id = 3");
            s.execute("UPDATE users SET name = 'Somebody else' WHERE user_id = 5");
            s.execute("UPDATE users SET last_login = last_login + INTERVAL '1 microsecond', session_count = 7 WHERE user_id = 7");
            s.execute("INSERT INTO users (user_id, email, name, session_count) VALUES (1000, 'ghost@example.com', 'Ghost', 0)");
            s.execute("UPDATE users SET name = 'In flight' WHERE user_id = 9");
        }
        AtomicInteger rechecks = new AtomicInteger();
        ValidationReport dirty = setup.validator().run(() -> {
            rechecks.incrementAndGet();
            // the pipeline catches up with user 9 while the validator waits
            try (Connection c = pg.connect("validate_dst"); Statement s = c.createStatement()) {
                s.execute("UPDATE users SET name = 'User 9' WHERE user_id = 9");
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(rechecks).as("real differences stand through every recheck").hasValue(Validator.RECHECKS);
        assertThat(dirty.clean()).isFalse();
        TableResult t = dirty.tables().get(0);
        assertThat(t.result()).isEqualTo(TableResult.DIFF);
        assertThat(t.sourceRows()).isEqualTo(USER_COUNT);
        assertThat(t.targetRows()).isEqualTo(USER_COUNT);
        assertThat(List.of(t.missing(), t.extra(), t.different())).containsExactly(1L, 1L, 2L);
        assertThat(t.samples()).containsExactly(RowDiff.missing(key(3)), RowDiff.different(key(5), List.of("name")),
                RowDiff.different(key(7), List.of("session_count", "last_login")), RowDiff.extra(key(1000)));
        assertThat(dirty.summary()).isEqualTo("users: 1 missing, 1 extra, 2 different");
        assertThat(dirty.text()).contains("users", "DIFF", "missing", "{user_id=3}", "columns: session_count, last_login");
        assertThat(dirty.json().get("tables").get(0).get("samples").get(0).get("key").get("user_id").asLong()).isEqualTo(3);

        // a change at the source that reaches the target only during the recheck is no mismatch either
        try (Connection c = pg.connect("validate_dst"); Statement s = c.createStatement()) {
            s.execute("DELETE FROM users WHERE user_id = 1000");
            s.execute("UPDATE users SET name = 'User 5' WHERE user_id = 5");
        }
        try (Connection c = pg.connect("validate_src"); Statement s = c.createStatement()) {
            s.execute("INSERT INTO users (email, name) VALUES ('late@example.com', 'Late')");
            s.execute("UPDATE users SET name = 'Renamed' WHERE user_id = 11");
        }
        ValidationReport lagging = setup.validator().run(() -> {
            try (Connection source = pg.connect("validate_src"); Sink sink = setup.sink("pg")) {
                upsert(sink, expectedUsers(source).stream().filter(r -> r.get("user_id").asLong() != 3
                        && r.get("user_id").asLong() != 7).toList());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        TableResult after = lagging.tables().get(0);
        assertThat(after.samples()).containsExactly(RowDiff.missing(key(3)),
                RowDiff.different(key(7), List.of("session_count", "last_login")));
        assertThat(after.sourceRows()).isEqualTo(USER_COUNT + 1);
    }

    /**
     * A 1:1 table of 50,000 rows, both sides PostgreSQL: compared by segment checksums in the databases, only the segments
     * that differ bisected and read; the same counts as comparing row by row.
     */
    @Test
    void aSameShapedPostgresTableIsComparedBySegmentsAndOnlyDifferingRangesAreRead() throws Exception {
        TableId items = TableId.parse("public.items");
        int rows = 50_000;
        try (Connection c = pg.connect("validate_src"); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS items");
            s.execute("CREATE TABLE items (id integer PRIMARY KEY, name varchar(40), amount numeric(12,2), seen timestamp(6))");
            s.execute("INSERT INTO items SELECT i, CASE WHEN i % 7 = 0 THEN NULL ELSE 'item ' || i END, i * 1.25, "
                    + "TIMESTAMP '2024-03-15 10:30:00.123456' + i * INTERVAL '1.000777 second' FROM generate_series(1, " + rows + ") i");
        }
        pg.createDatabase("validate_items");
        try (Connection c = pg.connect("validate_items"); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS items_copy");
        }
        Map<TableId, TableSchema> schemas = Map.of(items, new TableSchema(items, List.of(
                new Column("id", ColumnType.of(CanonicalType.INT32), false),
                new Column("name", ColumnType.of(CanonicalType.STRING).withLength(40), true),
                new Column("amount", ColumnType.decimal(12, 2), true),
                new Column("seen", ColumnType.of(CanonicalType.TIMESTAMP), true)), List.of("id"), 1));
        String sinks = """
                - name: pg
                  type: postgres
                  url: %s
                  user: %s
                  password: %s
                """.formatted(pg.jdbcUrl("validate_items"), pg.user(), pg.password());
        String mapping = """
                  - to: items_copy
                    from: public.items
                    columns:
                      item_id: id
                      name: name
                      amount: amount
                      seen: seen
                """;
        Setup setup = Setup.of(sinks, mapping, schemas);
        // the target filled as the pipeline fills it: the source's canonical rows, renamed, through the sink
        List<TargetEvent> copy = new ArrayList<>();
        try (SourceRows source = new SourceRows("validate-it", setup.config().source(), schemas, SinkFactories.load())) {
            source.read(items, r -> {
                Row row = Row.builder().put("item_id", r.get("id")).put("name", r.get("name")).put("amount", r.get("amount"))
                        .put("seen", r.get("seen")).build();
                copy.add(new TargetEvent.Upsert("items_copy", Row.builder().put("item_id", r.get("id")).build(), row, next()));
            });
        }
        try (Sink sink = setup.sink("pg")) {
            for (int i = 0; i < copy.size(); i += 5_000) {
                sink.write(copy.subList(i, Math.min(copy.size(), i + 5_000)));
            }
        }

        TableResult clean = setup.validator().run(noRecheck()).tables().get(0);
        assertThat(clean.result()).as(clean.toString()).isEqualTo(TableResult.MATCH);
        assertThat(List.of(clean.sourceRows(), clean.targetRows())).containsExactly((long) rows, (long) rows);
        assertThat(clean.detail()).isEqualTo("pushed down: 5 segment(s), all matching");

        // one row missing, one different, one extra and one in flight (repaired during the recheck), in four segments
        try (Connection c = pg.connect("validate_items"); Statement s = c.createStatement()) {
            s.execute("DELETE FROM items_copy WHERE item_id = 5000");
            s.execute("UPDATE items_copy SET amount = amount + 0.01 WHERE item_id = 25000");
            s.execute("UPDATE items_copy SET name = 'in flight' WHERE item_id = 35001");
            s.execute("INSERT INTO items_copy (item_id, name) VALUES (60000, 'ghost')");
        }
        Runnable catchUp = () -> {
            try (Connection c = pg.connect("validate_items"); Statement s = c.createStatement()) {
                s.execute("UPDATE items_copy SET name = 'item 35001' WHERE item_id = 35001");
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        };
        TableResult pushed = setup.validator().run(catchUp).tables().get(0);
        assertThat(pushed.result()).isEqualTo(TableResult.DIFF);
        assertThat(List.of(pushed.sourceRows(), pushed.targetRows(), pushed.missing(), pushed.extra(), pushed.different()))
                .containsExactly((long) rows, (long) rows, 1L, 1L, 1L);
        Row[] keys = {Row.builder().put("item_id", F.numberNode(5000)).build(), Row.builder().put("item_id", F.numberNode(25000)).build(),
            Row.builder().put("item_id", F.numberNode(60000)).build()};
        assertThat(pushed.samples()).containsExactly(RowDiff.missing(keys[0]), RowDiff.different(keys[1], List.of("amount")),
                RowDiff.extra(keys[2]));
        assertThat(pushed.detail()).isEqualTo("pushed down: 5 segment(s), 4 bisected to 4 range(s) compared row by row; "
                + "rechecked 4 range(s) row by row");

        try (Connection c = pg.connect("validate_items"); Statement s = c.createStatement()) {
            s.execute("UPDATE items_copy SET name = 'in flight' WHERE item_id = 35001");
        }
        ValidationReport firstPass = setup.validator().run(() -> {
            throw new IllegalStateException("no pipeline");
        });
        assertThat(firstPass.tables().get(0).detail()).startsWith("differences found, unconfirmed");
        assertThat(firstPass.tables().get(0).different()).isEqualTo(2);

        TableResult rowByRow = Setup.of(sinks, mapping, schemas, "validation:\n  push_down: false\n").validator().run(catchUp)
                .tables().get(0);
        assertThat(rowByRow.detail()).isEmpty();
        assertThat(List.of(rowByRow.sourceRows(), rowByRow.targetRows(), rowByRow.missing(), rowByRow.extra(), rowByRow.different()))
                .containsExactly((long) rows, (long) rows, 1L, 1L, 1L);
        assertThat(rowByRow.samples()).isEqualTo(pushed.samples());
    }

    /**
     * A table mapped with a cast (so compared row by row) of 3,000 rows, with a row cap of 2: both sides summed into hashed
     * buckets, only the buckets that differ compared exactly, in several groups that each stream both sides again; the
     * same findings as holding the whole table, and a change in flight repaired by the recheck is no difference.
     */
    @Test
    void aTableLargerThanTheRowCapIsComparedByHashedBucketsInGroupsWithExactFindings() throws Exception {
        TableId parts = TableId.parse("public.parts");
        int rows = 3_000;
        try (Connection c = pg.connect("validate_src"); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS parts");
            s.execute("CREATE TABLE parts (id integer PRIMARY KEY, label text, weight numeric(10,3), made timestamptz)");
            s.execute("INSERT INTO parts SELECT i, CASE WHEN i % 11 = 0 THEN NULL ELSE 'part ' || i END, i * 0.125, "
                    + "TIMESTAMPTZ '2024-03-15 10:30:00.123456+00' + i * INTERVAL '1.000777 second' FROM generate_series(1, " + rows + ") i");
        }
        pg.createDatabase("validate_parts");
        try (Connection c = pg.connect("validate_parts"); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS parts");
        }
        Map<TableId, TableSchema> schemas = Map.of(parts, new TableSchema(parts, List.of(
                new Column("id", ColumnType.of(CanonicalType.INT32), false), new Column("label", ColumnType.of(CanonicalType.STRING), true),
                new Column("weight", ColumnType.decimal(10, 3), true), new Column("made", ColumnType.of(CanonicalType.TIMESTAMPTZ), true)),
                List.of("id"), 1));
        String sinks = """
                - name: pg
                  type: postgres
                  url: %s
                  user: %s
                  password: %s
                """.formatted(pg.jdbcUrl("validate_parts"), pg.user(), pg.password());
        String mapping = """
                  - to: parts
                    from: public.parts
                    columns:
                      part_id: {expr: id, cast: bigint}
                      label: label
                      weight: weight
                      made: made
                """;
        Setup bucketed = Setup.of(sinks, mapping, schemas, "", 2);
        List<TargetEvent> copy = new ArrayList<>();
        try (SourceRows source = new SourceRows("validate-it", bucketed.config().source(), schemas, SinkFactories.load())) {
            source.read(parts, r -> {
                Row key = Row.builder().put("part_id", r.get("id")).build();
                copy.add(new TargetEvent.Upsert("parts", key, key.with("label", r.get("label")).with("weight", r.get("weight"))
                        .with("made", r.get("made")), next()));
            });
        }
        try (Sink sink = bucketed.sink("pg")) {
            sink.write(copy);
        }
        TableResult clean = bucketed.validator().run(noRecheck()).tables().get(0);
        assertThat(clean).isEqualTo(new TableResult("pg", "parts", TableResult.MATCH, rows, rows, 0, 0, 0, List.of(),
                "hashed in 65536 buckets, all matching"));

        try (Connection c = pg.connect("validate_parts"); Statement s = c.createStatement()) {
            s.execute("DELETE FROM parts WHERE part_id IN (100, 1500, 2999)");
            s.execute("UPDATE parts SET label = 'another part' WHERE part_id = 7");
            s.execute("UPDATE parts SET weight = weight + 0.001 WHERE part_id = 2000");
            s.execute("INSERT INTO parts (part_id, label) VALUES (5000, 'ghost'), (5001, NULL)");
            s.execute("UPDATE parts SET label = 'in flight' WHERE part_id = 42");
        }
        Runnable catchUp = () -> {
            try (Connection c = pg.connect("validate_parts"); Statement s = c.createStatement()) {
                s.execute("UPDATE parts SET label = 'part 42' WHERE part_id = 42");
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        };
        TableResult found = bucketed.validator().run(catchUp).tables().get(0);
        assertThat(found.result()).isEqualTo(TableResult.DIFF);
        assertThat(List.of(found.sourceRows(), found.targetRows(), found.missing(), found.extra(), found.different()))
                .containsExactly((long) rows, (long) rows - 1, 3L, 2L, 2L);
        assertThat(found.samples()).containsExactly(RowDiff.different(part(7), List.of("label")), RowDiff.missing(part(100)),
                RowDiff.missing(part(1500)), RowDiff.different(part(2000), List.of("weight")), RowDiff.missing(part(2999)),
                RowDiff.extra(part(5000)), RowDiff.extra(part(5001)));
        // the recheck's own pass: the change in flight has arrived, seven buckets still differ
        assertThat(found.detail()).matches("hashed in 65536 buckets, 7 differing compared row by row in [3-7] groups");

        TableResult whole = Setup.of(sinks, mapping, schemas).validator().run(catchUp).tables().get(0);
        assertThat(whole.detail()).isEmpty();
        assertThat(List.of(whole.sourceRows(), whole.targetRows(), whole.missing(), whole.extra(), whole.different()))
                .isEqualTo(List.of(found.sourceRows(), found.targetRows(), found.missing(), found.extra(), found.different()));
        assertThat(whole.samples()).isEqualTo(found.samples());
    }

    private static Row part(long id) {
        return Row.builder().put("part_id", F.numberNode(id)).build();
    }

    @Test
    void cassandraTargetIsComparedAtMilliseconds() throws Exception {
        Setup setup = Setup.of("""
                - name: cassandra
                  type: cassandra
                  contact_points: [%s:%d]
                  local_datacenter: %s
                  keyspace: validate_%s
                  replication_factor: 1
                """.formatted(cassandra.host(), cassandra.port(), cassandra.localDatacenter(),
                java.util.UUID.randomUUID().toString().substring(0, 8)));
        List<Row> expected;
        try (Connection source = pg.connect("validate_src")) {
            expected = expectedUsers(source);
        }
        try (Sink sink = setup.sink("cassandra")) {
            upsert(sink, expected);
            // Cassandra truncates the microseconds away; the comparison must not see that as a difference
            assertThat(setup.validator().run(noRecheck()).tables()).singleElement()
                    .satisfies(t -> assertThat(t.result()).as(t.toString()).isEqualTo(TableResult.MATCH));

            sink.write(List.of(new TargetEvent.Delete("users", key(2), next())));
            Row changed = expected.get(3).with("created_at", F.textNode("2020-01-01T00:00:00.000000"));
            upsert(sink, List.of(changed));
            ValidationReport report = setup.validator().run(() -> { });
            assertThat(report.tables().get(0).samples()).containsExactly(RowDiff.missing(key(2)),
                    RowDiff.different(key(4), List.of("created_at")));
        }
    }

    @Test
    void mongoDocumentsWithNestedChildrenMatchAtMillisecondsInAnyChildOrder(MongoService mongo) throws Exception {
        TableId customers = TableId.parse("public.customers");
        TableId orders = TableId.parse("public.orders");
        try (Connection c = pg.connect("validate_src"); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS orders, customers");
            s.execute("CREATE TABLE customers (customer_id BIGINT PRIMARY KEY, first_name TEXT NOT NULL)");
            s.execute("CREATE TABLE orders (order_id BIGINT PRIMARY KEY, customer_id BIGINT, placed TIMESTAMPTZ, total NUMERIC(10,2))");
            s.execute("INSERT INTO customers VALUES (1, 'Alice'), (2, 'Bob')");
            s.execute("INSERT INTO orders VALUES (10, 1, '2024-03-15 10:30:00.123456+00', 12.50), "
                    + "(11, 1, '2024-03-16 10:30:00.000999+00', 3.00)");
        }
        Map<TableId, TableSchema> schemas = Map.of(
                customers, new TableSchema(customers, List.of(new Column("customer_id", ColumnType.of(CanonicalType.INT64), false),
                        new Column("first_name", ColumnType.of(CanonicalType.STRING), false)), List.of("customer_id"), 1),
                orders, new TableSchema(orders, List.of(new Column("order_id", ColumnType.of(CanonicalType.INT64), false),
                        new Column("customer_id", ColumnType.of(CanonicalType.INT64), true),
                        new Column("placed", ColumnType.of(CanonicalType.TIMESTAMPTZ), true),
                        new Column("total", ColumnType.decimal(10, 2), true)), List.of("order_id"), 1));
        Setup setup = Setup.of("""
                - name: mongo
                  type: mongodb
                  uri: %s
                  database: validate_%s
                """.formatted(mongo.connectionString(), java.util.UUID.randomUUID().toString().substring(0, 8)), """
                  - to: customers
                    from: public.customers
                    columns:
                      _id: customer_id
                      profile: {group: {first_name: first_name}}
                      orders:
                        nest: {from: public.orders, on: {customer_id: customer_id}, key: [order_id]}
                """, schemas);
        String order10 = "{\"order_id\": 10, \"customer_id\": 1, \"placed\": \"2024-03-15T10:30:00.123456Z\", \"total\": \"%s\"}";
        String order11 = "{\"order_id\": 11, \"customer_id\": 1, \"placed\": \"2024-03-16T10:30:00.000999Z\", \"total\": \"3.00\"}";
        try (Sink sink = setup.sink("mongo")) {
            // children in another order than the source's, timestamps kept at milliseconds by MongoDB
            sink.write(List.of(document(1, "Alice", "[" + order11 + ", " + order10.formatted("12.50") + "]"), document(2, "Bob", "[]")));
            assertThat(setup.validator().run(noRecheck()).tables()).singleElement()
                    .satisfies(t -> assertThat(t.result()).as(t.toString()).isEqualTo(TableResult.MATCH));

            sink.write(List.of(document(1, "Alice", "[" + order10.formatted("12.51") + ", " + order11 + "]")));
            assertThat(setup.validator().run(() -> { }).tables().get(0).samples())
                    .containsExactly(RowDiff.different(Row.builder().put("_id", F.numberNode(1)).build(), List.of("orders")));
        }
    }

    private static TargetEvent document(long id, String firstName, String ordersJson) throws Exception {
        Row key = Row.builder().put("_id", F.numberNode(id)).build();
        Row row = key.with("profile", F.objectNode().put("first_name", firstName))
                .with("orders", new com.fasterxml.jackson.databind.ObjectMapper().readTree(ordersJson));
        return new TargetEvent.Upsert("customers", key, row, next());
    }

    /** Values read through the JDBC reader are exactly what capture emits (capture's PostgresTypesIT, same inputs). */
    @Test
    void sourceRowsAreCapturesCanonicalValues() throws Exception {
        String[][] matrix = {
            {"b", "boolean", "true", "true"},
            {"i4", "integer", "2147483647", "2147483647"},
            {"i8", "bigint", "-9223372036854775808", "-9223372036854775808"},
            {"n", "numeric(12,2)", "12.50", "\"12.50\""},
            {"nu", "numeric", "123456789012345678901234567890.123456789", "\"123456789012345678901234567890.123456789\""},
            {"nnan", "numeric", "'NaN'", "\"NaN\""},
            {"t", "text", "'Grüße, 世界 🚢'", "\"Grüße, 世界 🚢\""},
            {"ch", "char(3)", "'ab'", "\"ab \""},
            {"ts", "timestamp(6)", "'2024-03-15 10:30:00.123456'", "\"2024-03-15T10:30:00.123456\""},
            {"tsinf", "timestamp", "'infinity'", "\"infinity\""},
            {"tstz", "timestamptz", "'2024-03-15 12:30:00.5+02'", "\"2024-03-15T10:30:00.500000Z\""},
            {"u", "uuid", "'123E4567-E89B-12D3-A456-426614174000'", "\"123e4567-e89b-12d3-a456-426614174000\""},
            {"jb", "jsonb", "'{\"b\": 1, \"a\": [true, null]}'", "\"{\\\"a\\\": [true, null], \\\"b\\\": 1}\""},
            {"dt", "date", "'2024-02-29'", "\"2024-02-29\""},
            {"m", "money", "-1234.56", "\"-1234.56\""},
            {"by", "bytea", "'\\x00ff61'", "\"AP9h\""},
            {"tm", "time(6)", "'23:59:59.999999'", "\"23:59:59.999999\""},
            {"ttz", "timetz", "'10:00:00+02'", "\"08:00:00.000000Z\""},
            {"iv", "interval", "'1 year 2 months 3 days 04:05:06.000007'", "\"P1Y2M3DT4H5M6.000007S\""},
            {"arr", "integer[]", "'{1,NULL,3}'", "[1,null,3]"},
            {"ip", "inet", "'192.168.0.1/24'", "\"192.168.0.1/24\""},
            {"bits", "bit(4)", "B'1010'", "\"1010\""},
            {"nul", "text", "NULL", "null"},
        };
        Map<String, ColumnType> types = Map.ofEntries(Map.entry("boolean", ColumnType.of(CanonicalType.BOOLEAN)),
                Map.entry("integer", ColumnType.of(CanonicalType.INT32)), Map.entry("bigint", ColumnType.of(CanonicalType.INT64)),
                Map.entry("numeric(12,2)", ColumnType.decimal(12, 2)), Map.entry("numeric", ColumnType.decimal(null, null)),
                Map.entry("text", ColumnType.of(CanonicalType.STRING)),
                Map.entry("char(3)", ColumnType.of(CanonicalType.STRING).withLength(3)),
                Map.entry("timestamp(6)", ColumnType.of(CanonicalType.TIMESTAMP)),
                Map.entry("timestamp", ColumnType.of(CanonicalType.TIMESTAMP)),
                Map.entry("timestamptz", ColumnType.of(CanonicalType.TIMESTAMPTZ)), Map.entry("uuid", ColumnType.of(CanonicalType.UUID)),
                Map.entry("jsonb", ColumnType.of(CanonicalType.JSON)), Map.entry("date", ColumnType.of(CanonicalType.DATE)),
                Map.entry("money", ColumnType.of(CanonicalType.MONEY)), Map.entry("bytea", ColumnType.of(CanonicalType.BYTES)),
                Map.entry("time(6)", ColumnType.of(CanonicalType.TIME)), Map.entry("timetz", ColumnType.of(CanonicalType.TIMETZ)),
                Map.entry("interval", ColumnType.of(CanonicalType.INTERVAL)),
                Map.entry("integer[]", ColumnType.arrayOf(ColumnType.of(CanonicalType.INT32))),
                Map.entry("inet", ColumnType.of(CanonicalType.INET)), Map.entry("bit(4)", ColumnType.of(CanonicalType.BIT).withLength(4)));
        List<Column> columns = new ArrayList<>(List.of(new Column("id", ColumnType.of(CanonicalType.INT32), false)));
        StringBuilder ddl = new StringBuilder("CREATE TABLE types (id integer PRIMARY KEY");
        StringBuilder insert = new StringBuilder("INSERT INTO types VALUES (1");
        for (String[] col : matrix) {
            ddl.append(", ").append(col[0]).append(' ').append(col[1]);
            insert.append(", ").append(col[2]);
            columns.add(new Column(col[0], types.get(col[1]), true));
        }
        try (Connection c = pg.connect("validate_src"); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS types");
            s.execute(ddl.append(')').toString());
            s.execute(insert.append(')').toString());
        }
        TableId table = TableId.parse("public.types");
        Setup setup = Setup.of("""
                - name: pg
                  type: postgres
                  url: %s
                """.formatted(pg.jdbcUrl("validate_src")));
        List<Row> rows = new ArrayList<>();
        try (SourceRows source = new SourceRows("validate-it", setup.config().source(),
                Map.of(table, new TableSchema(table, columns, List.of("id"), 1)), SinkFactories.load())) {
            source.read(table, rows::add);
        }
        assertThat(rows).hasSize(1);
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        org.assertj.core.api.SoftAssertions soft = new org.assertj.core.api.SoftAssertions();
        for (String[] col : matrix) {
            // through a row, which holds numbers in one spelling, as the reader's rows do
            JsonNode want = Row.builder().put(col[0], mapper.readTree(col[3])).build().get(col[0]);
            soft.assertThat(rows.get(0).get(col[0])).as(col[0] + " " + col[1]).isEqualTo(want);
        }
        soft.assertAll();
    }
}
