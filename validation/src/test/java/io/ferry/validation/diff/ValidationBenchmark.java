package io.ferry.validation.diff;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
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
import io.ferry.core.spi.KeyRange;
import io.ferry.core.spi.Sink;
import io.ferry.core.spi.SinkFactories;
import io.ferry.core.spi.TargetTable;
import io.ferry.core.types.CanonicalType;
import io.ferry.core.types.ColumnType;
import io.ferry.devstack.MongoService;
import io.ferry.devstack.PostgresService;
import io.ferry.devstack.Service;
import io.ferry.devstack.junit.WithServices;
import io.ferry.sinks.runtime.RuntimeSinkContext;
import io.ferry.transform.mapping.Mappings;
import io.ferry.transform.mapping.RowMapper;
import io.ferry.transform.mapping.TargetMapping;
import io.ferry.transform.mapping.TargetShapes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Validation throughput, run by hand (never part of verify; its name matches neither *Test nor *IT):
 * <pre>
 * ./mvnw -B -pl validation -am verify -Dit.test=ValidationBenchmark -Dfailsafe.failIfNoSpecifiedTests=false \
 *     -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dferry.bench.rows=1000000
 * </pre>
 * A PostgreSQL source table of {@code ferry.bench.rows} rows (at least 100,000) of ~180 bytes (integer key, text,
 * varchar, numeric, timestamp, boolean, a 96-character text; some NULLs) is copied through the real sinks, mapped by the
 * transform's {@link RowMapper} and written in batches of 2,000, into a 1:1 PostgreSQL table and into MongoDB documents
 * (a renamed field and a cast). Timed, each a single run of {@link Validator#run}: PostgreSQL to PostgreSQL pushed down
 * and row by row, pushed down with four injected differences, and MongoDB row by row; next to the floor:
 * {@code count(*)} on both PostgreSQL tables, {@code countDocuments}, and the validator's checksum query over the whole
 * source table. Each case asserts its result before it is recorded; the table goes to stdout and to
 * {@code target/validation-benchmark.json}.
 */
@WithServices({Service.POSTGRES, Service.MONGODB})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ValidationBenchmark {

    private static final int ROWS = Integer.getInteger("ferry.bench.rows", 1_000_000);
    /** What the runtime hands a sink at a time (the sink benchmark's batch). */
    private static final int BATCH = 2_000;
    /** Source rows read per query while filling the targets, so the JDBC driver never buffers the whole table. */
    private static final int READ_RANGE = 50_000;
    private static final int SEGMENT_ROWS = 10_000;
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final TableId BENCH = TableId.parse("public.bench");
    private static final TableSchema SCHEMA = new TableSchema(BENCH, List.of(
            new Column("id", ColumnType.of(CanonicalType.INT32), false),
            new Column("name", ColumnType.of(CanonicalType.STRING), true),
            new Column("email", ColumnType.of(CanonicalType.STRING).withLength(64), true),
            new Column("amount", ColumnType.decimal(12, 2), true),
            new Column("created_at", ColumnType.of(CanonicalType.TIMESTAMP), true),
            new Column("active", ColumnType.of(CanonicalType.BOOLEAN), true),
            new Column("payload", ColumnType.of(CanonicalType.STRING), true)), List.of("id"), 1);
    private static final List<Map<String, Object>> CASES = new ArrayList<>();
    private static final Map<String, Object> RUN = new LinkedHashMap<>();
    private static long order;

    private static PostgresService pg;
    private static MongoService mongo;

    @BeforeAll
    static void source(PostgresService postgres, MongoService m) throws SQLException {
        // the injected differences must fall into four different segments
        assertThat(ROWS).as("ferry.bench.rows").isGreaterThanOrEqualTo(100_000);
        pg = postgres;
        mongo = m;
        RUN.put("rows", ROWS);
        RUN.put("cores", Runtime.getRuntime().availableProcessors());
        RUN.put("max_heap_mib", Runtime.getRuntime().maxMemory() >> 20);
        RUN.put("java", System.getProperty("java.version"));
        RUN.put("postgres", pg.version());
        RUN.put("mongodb", mongo.version());
        RUN.put("load_average_at_start", loadAverage());
        pg.createDatabase("bench_validate_src");
        try (Connection c = pg.connect("bench_validate_src"); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS bench");
            s.execute("CREATE TABLE bench (id integer PRIMARY KEY, name text, email varchar(64), amount numeric(12,2), "
                    + "created_at timestamp(6), active boolean, payload text)");
            s.execute("INSERT INTO bench SELECT g, CASE WHEN g % 50 = 0 THEN NULL ELSE 'name ' || g END, 'user' || g || '@example.com', "
                    + "(g % 100000) / 100.0, TIMESTAMP '2024-01-01 00:00:00' + g * INTERVAL '1.000777 second', g % 3 = 0, "
                    + "repeat(md5(g::text), 3) FROM generate_series(1, " + ROWS + ") g");
            s.execute("VACUUM (ANALYZE) bench");
            try (ResultSet rs = s.executeQuery("SELECT avg(pg_column_size(b.*))::int FROM bench b")) {
                rs.next();
                RUN.put("source_row_bytes", rs.getInt(1));
            }
        }
    }

    @Test
    @Order(1)
    void postgresToPostgres() throws Exception {
        pg.createDatabase("bench_validate_dst");
        try (Connection c = pg.connect("bench_validate_dst"); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS bench_copy");
        }
        String sinks = """
                - name: pg
                  type: postgres
                  url: %s
                  user: %s
                  password: %s
                """.formatted(pg.jdbcUrl("bench_validate_dst"), pg.user(), pg.password());
        String mapping = """
                  - to: bench_copy
                    from: public.bench
                    columns:
                      item_id: id
                      name: name
                      email: email
                      amount: amount
                      created_at: created_at
                      active: active
                      payload: payload
                """;
        Pipeline pushed = Pipeline.of(sinks, mapping, "");
        fill(pushed, "pg");
        try (Connection c = pg.connect("bench_validate_dst"); Statement s = c.createStatement()) {
            s.execute("VACUUM (ANALYZE) bench_copy");
        }

        time("count(*), PostgreSQL source", () -> count("bench_validate_src", "bench"));
        time("count(*), PostgreSQL target", () -> count("bench_validate_dst", "bench_copy"));

        // the validator's own checksum query over the whole source table: what pushing down costs one side
        time("checksum query, whole source table (one side)", () -> {
            Properties credentials = new Properties();
            credentials.setProperty("user", pg.user());
            if (pg.password() != null) {
                credentials.setProperty("password", pg.password());
            }
            try (SqlSide side = SqlSide.open(pg.jdbcUrl("bench_validate_src"), credentials, "postgres", "public", "bench", "id",
                    SCHEMA.columns().stream().map(Column::name).toList())) {
                assertThat(side.sum(new SegmentedComparison.Range(null, null)).count()).isEqualTo(ROWS);
            }
            return "count " + ROWS;
        });

        int segments = (ROWS + SEGMENT_ROWS - 1) / SEGMENT_ROWS;
        time("PostgreSQL -> PostgreSQL, pushed down", () -> {
            TableResult t = single(pushed.validator().run(noRecheck()));
            assertThat(t.result()).as(t.toString()).isEqualTo(TableResult.MATCH);
            assertThat(List.of(t.sourceRows(), t.targetRows())).containsExactly((long) ROWS, (long) ROWS);
            assertThat(t.detail()).isEqualTo("pushed down: " + segments + " segment(s), all matching");
            return "MATCH";
        });
        Pipeline rowByRow = Pipeline.of(sinks, mapping, "validation:\n  push_down: false\n");
        time("PostgreSQL -> PostgreSQL, row by row (push_down: false)", () -> {
            TableResult t = single(rowByRow.validator().run(noRecheck()));
            assertThat(t.result()).as(t.toString()).isEqualTo(TableResult.MATCH);
            assertThat(List.of(t.sourceRows(), t.targetRows())).containsExactly((long) ROWS, (long) ROWS);
            // past the row cap, summed into hashed buckets (holding at most the cap's rows) instead of held whole
            assertThat(t.detail()).isEqualTo(ROWS <= BucketedComparison.ROW_CAP ? "" : "hashed in 65536 buckets, all matching");
            return "MATCH";
        });

        // one row missing, two different (one to NULL), one extra beyond the source's last key: four segments
        long missing = ROWS / 10;
        long amount = ROWS / 2 + 7;
        long name = ROWS * 3L / 4 + 1;
        long extra = ROWS + 1;
        try (Connection c = pg.connect("bench_validate_dst"); Statement s = c.createStatement()) {
            s.execute("DELETE FROM bench_copy WHERE item_id = " + missing);
            s.execute("UPDATE bench_copy SET amount = amount + 0.01 WHERE item_id = " + amount);
            s.execute("UPDATE bench_copy SET name = NULL WHERE item_id = " + name);
            s.execute("INSERT INTO bench_copy (item_id, name) VALUES (" + extra + ", 'ghost')");
        }
        time("PostgreSQL -> PostgreSQL, pushed down, 4 rows differ", () -> {
            TableResult t = single(pushed.validator().run(() -> { }));
            assertThat(t.result()).isEqualTo(TableResult.DIFF);
            assertThat(List.of(t.sourceRows(), t.targetRows(), t.missing(), t.extra(), t.different()))
                    .containsExactly((long) ROWS, (long) ROWS, 1L, 1L, 2L);
            assertThat(t.samples()).containsExactly(RowDiff.missing(key("item_id", missing)),
                    RowDiff.different(key("item_id", amount), List.of("amount")),
                    RowDiff.different(key("item_id", name), List.of("name")), RowDiff.extra(key("item_id", extra)));
            assertThat(t.detail()).isEqualTo("pushed down: " + segments + " segment(s), 4 bisected to 4 range(s) compared row by row; "
                    + "rechecked 4 range(s) row by row");
            return "DIFF: exactly the 4 injected rows";
        });
    }

    @Test
    @Order(2)
    void postgresToMongo() throws Exception {
        Pipeline pipeline = Pipeline.of("""
                - name: mongo
                  type: mongodb
                  uri: %s
                  database: bench_validate
                """.formatted(mongo.connectionString()), """
                  - to: bench_docs
                    from: public.bench
                    columns:
                      _id: id
                      customer: name
                      email: email
                      amount: {expr: amount, cast: float64}
                      created_at: created_at
                      active: active
                      payload: payload
                """, "");
        try (MongoClient client = MongoClients.create(mongo.connectionString())) {
            if (client.getDatabase("bench_validate").listCollectionNames().into(new ArrayList<>()).contains("bench_docs")) {
                client.getDatabase("bench_validate").getCollection("bench_docs").drop();
            }
            fill(pipeline, "mongo");
            time("countDocuments, MongoDB target", () -> {
                long n = client.getDatabase("bench_validate").getCollection("bench_docs").countDocuments();
                assertThat(n).isEqualTo(ROWS);
                return "count " + n;
            });
        }
        time("PostgreSQL -> MongoDB, row by row (mapping)", () -> {
            TableResult t = single(pipeline.validator().run(noRecheck()));
            assertThat(t.result()).as(t.toString()).isEqualTo(TableResult.MATCH);
            assertThat(List.of(t.sourceRows(), t.targetRows())).containsExactly((long) ROWS, (long) ROWS);
            // MongoDB's milliseconds and doubles hash like the mapped rows: no bucket needs an exact comparison
            assertThat(t.detail()).isEqualTo(ROWS <= BucketedComparison.ROW_CAP ? "" : "hashed in 65536 buckets, all matching");
            return "MATCH";
        });
    }

    @AfterAll
    static void report() throws Exception {
        RUN.put("load_average_at_end", loadAverage());
        System.out.printf("%nvalidation benchmark: %,d source rows of ~%s bytes; %s cores, max heap %,d MiB, Java %s; %s, %s%n"
                + "load average at start %s, at end %s%n%n", ROWS, RUN.get("source_row_bytes"), RUN.get("cores"), RUN.get("max_heap_mib"),
                RUN.get("java"), RUN.get("postgres"), RUN.get("mongodb"), RUN.get("load_average_at_start"), RUN.get("load_average_at_end"));
        String format = "%-56s %10s %9s %12s  %s%n";
        System.out.printf(format, "CASE", "ROWS", "SECONDS", "ROWS/S", "RESULT");
        for (Map<String, Object> c : CASES) {
            System.out.printf(format, c.get("case"), String.format("%,d", (Integer) c.get("rows")), String.format("%.2f", (Double) c.get("seconds")),
                    String.format("%,d", (Long) c.get("rows_per_s")), c.get("result"));
        }
        Map<String, Object> out = new LinkedHashMap<>(RUN);
        out.put("cases", CASES);
        Files.writeString(Path.of("target", "validation-benchmark.json"),
                new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(out));
    }

    /** Times one case; it is recorded only when its assertions passed. */
    private static void time(String name, Callable<String> run) throws Exception {
        System.gc();
        long t0 = System.nanoTime();
        String result = run.call();
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("case", name);
        c.put("rows", ROWS);
        c.put("seconds", Math.round(seconds * 100) / 100.0);
        c.put("rows_per_s", Math.round(ROWS / seconds));
        c.put("result", result);
        CASES.add(c);
        System.out.printf("%s: %.2f s, %,d rows/s, %s%n", name, seconds, Math.round(ROWS / seconds), result);
    }

    private static String count(String database, String table) throws SQLException {
        try (Connection c = pg.connect(database); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(ROWS);
            return "count " + rs.getLong(1);
        }
    }

    /**
     * Copies the source into the pipeline's one target as the pipeline would: canonical source rows (the validator's
     * reader, which equals capture's values), mapped by the transform's RowMapper, upserted through the real sink in
     * batches. Not timed.
     */
    private static void fill(Pipeline pipeline, String sink) throws Exception {
        long t0 = System.nanoTime();
        TargetMapping mapping = pipeline.mapping();
        RowMapper mapper = new RowMapper(pipeline.config().source().timeZone());
        try (SourceRows source = new SourceRows("validate-bench", pipeline.config().source(), Map.of(BENCH, SCHEMA), SinkFactories.load());
                Sink out = pipeline.sink(sink)) {
            for (long from = 1; from <= ROWS; from += READ_RANGE) {
                List<TargetEvent> events = new ArrayList<>(READ_RANGE);
                source.read(BENCH, new KeyRange.Keys(key("id", from), key("id", from + READ_RANGE)), r -> {
                    Row target = mapper.map(mapping, r, (table, columns, values) -> {
                        throw new AssertionError("the mapping has no relations");
                    }).orElseThrow();
                    events.add(new TargetEvent.Upsert(mapping.to(), RowMapper.key(mapping, target, SCHEMA.primaryKey()), target, next()));
                });
                for (int i = 0; i < events.size(); i += BATCH) {
                    out.write(events.subList(i, Math.min(events.size(), i + BATCH)));
                }
            }
        }
        System.out.printf("filled %s/%s with %,d rows through the sink in %.1f s%n", sink, mapping.to(), ROWS, (System.nanoTime() - t0) / 1e9);
    }

    private static SourceInfo next() {
        order++;
        return new SourceInfo("src", "0/" + order, order, "1", 1_700_000_000_000_000L + order, true);
    }

    private static Row key(String column, long value) {
        return Row.builder().put(column, F.numberNode(value)).build();
    }

    private static TableResult single(ValidationReport report) {
        assertThat(report.tables()).hasSize(1);
        return report.tables().get(0);
    }

    private static Runnable noRecheck() {
        return () -> {
            throw new AssertionError("a clean first pass needs no recheck");
        };
    }

    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + ", " + fields[1] + ", " + fields[2];
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    /** A pipeline file over the bench table, the target shapes TargetShapes computes for it, and its sinks. */
    private record Pipeline(PipelineConfig config, Map<String, Map<String, TargetTable>> targets) {

        static Pipeline of(String sinks, String mappings, String validation) {
            String yaml = """
                    pipeline:
                      name: validate-bench
                    source:
                      type: postgres
                      host: %s
                      port: %d
                      database: bench_validate_src
                      user: %s
                      password: %s
                      tables: [%s]
                    sinks:
                    %s
                    mappings:
                    %s
                    %s""".formatted(pg.host(), pg.port(), pg.user(), pg.password(), BENCH, sinks.indent(2).stripTrailing(),
                    mappings.stripTrailing(), validation);
            PipelineConfig config = PipelineLoader.standard().parse(yaml, "bench.yaml");
            Problems problems = new Problems("bench");
            Map<String, Map<String, TargetTable>> targets = new TargetShapes(problems).compute((Mappings) config.mappings(),
                    config.sinks().stream().map(SinkSettings::name).toList(), Map.of(BENCH, SCHEMA));
            assertThat(problems.errors()).isEmpty();
            return new Pipeline(config, targets);
        }

        Validator validator() {
            return new Validator(config, Map.of(BENCH, SCHEMA), targets);
        }

        TargetMapping mapping() {
            return ((Mappings) config.mappings()).targets().get(0);
        }

        /** Opens the sink the way the runtime does. */
        Sink sink(String name) {
            SinkSettings s = config.sinks().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
            return SinkFactories.load().require(s.type()).create(new RuntimeSinkContext("validate-bench", name, s.options(),
                    () -> targets.get(name)));
        }
    }
}
