package io.ferry.sinks;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.InsertManyOptions;
import io.ferry.core.event.Row;
import io.ferry.core.event.SourceInfo;
import io.ferry.core.event.TargetEvent;
import io.ferry.core.schema.Column;
import io.ferry.core.spi.Sink;
import io.ferry.core.spi.SinkFactory;
import io.ferry.core.spi.TargetTable;
import io.ferry.core.types.CanonicalType;
import io.ferry.core.types.ColumnType;
import io.ferry.devstack.CassandraService;
import io.ferry.devstack.MongoService;
import io.ferry.devstack.MysqlService;
import io.ferry.devstack.PostgresService;
import io.ferry.devstack.Service;
import io.ferry.devstack.junit.WithServices;
import io.ferry.sinks.cassandra.CassandraSinkFactory;
import io.ferry.sinks.jdbc.MariaDbSinkFactory;
import io.ferry.sinks.jdbc.PostgresSinkFactory;
import io.ferry.sinks.mongodb.MongoSinkFactory;
import io.ferry.sinks.runtime.RuntimeSinkContext;
import java.io.StringReader;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/**
 * Sink throughput against each target's own bulk path, run by hand (never part of verify):
 * <pre>
 * ./mvnw -B -pl sinks -am verify -Dit.test=SinkBenchmark -Dfailsafe.failIfNoSpecifiedTests=false \
 *     -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dferry.bench.rows=1000000
 * </pre>
 * The sink path: {@code Sink.write} in batches of 2,000 upserts of ~200-byte rows (what the runtime hands it).
 * The bulk path: PostgreSQL COPY, MariaDB multi-row INSERT, Cassandra unlogged batches per partition (each
 * row here is its own partition, so asynchronous single inserts), MongoDB insertMany — into empty tables.
 */
@WithServices({Service.POSTGRES, Service.MARIADB, Service.CASSANDRA, Service.MONGODB})
class SinkBenchmark {

    private static final int ROWS = Integer.getInteger("ferry.bench.rows", 1_000_000);
    private static final int BATCH = Integer.getInteger("ferry.bench.batch", 2_000);
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Map<String, Object> RESULTS = new LinkedHashMap<>();
    private static final TargetTable TABLE = TargetTable.keyed("bench", List.of(new Column("id", ColumnType.of(CanonicalType.INT64), false),
            new Column("name", ColumnType.of(CanonicalType.STRING), true), new Column("email", ColumnType.of(CanonicalType.STRING), true),
            new Column("amount", ColumnType.decimal(12, 2), true), new Column("created_at", ColumnType.of(CanonicalType.TIMESTAMP), true),
            new Column("payload", ColumnType.of(CanonicalType.STRING), true)), List.of("id"));

    private static Row row(long id) {
        return Row.builder().put("id", F.numberNode(id)).put("name", F.textNode("name " + id)).put("email", F.textNode("user" + id + "@example.com"))
                .put("amount", F.textNode(BigDecimal.valueOf(id % 100_000, 2).toPlainString()))
                .put("created_at", F.textNode("2024-01-01T00:00:00.000000"))
                .put("payload", F.textNode(("payload-" + id + "-").repeat(12).substring(0, 96))).build();
    }

    private static double sinkRun(SinkFactory factory, String options) throws Exception {
        try (Sink sink = factory.create(new RuntimeSinkContext("bench", "bench", SinkOptionsFixture.bind(factory, options),
                () -> Map.of("bench", TABLE)))) {
            long t0 = System.nanoTime();
            List<TargetEvent> batch = new ArrayList<>(BATCH);
            for (long id = 1; id <= ROWS; id++) {
                Row r = row(id);
                batch.add(new TargetEvent.Upsert("bench", Row.builder().put("id", r.get("id")).build(), r,
                        new SourceInfo("src", "0/" + id, id, null, 1_700_000_000_000_000L + id, false)));
                if (batch.size() == BATCH || id == ROWS) {
                    sink.write(batch);
                    batch.clear();
                }
            }
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    private static void report(String target, double sinkSeconds, double bulkSeconds, String bulkPath) throws Exception {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("rows", ROWS);
        r.put("sink_rows_per_s", Math.round(ROWS / sinkSeconds));
        r.put("bulk_path", bulkPath);
        r.put("bulk_rows_per_s", Math.round(ROWS / bulkSeconds));
        r.put("sink_to_bulk", Math.round(bulkSeconds / sinkSeconds * 100) / 100.0);
        RESULTS.put(target, r);
        System.out.printf("%n%-10s sink %,d rows/s | %s %,d rows/s | sink/bulk %.2f%n", target, Math.round(ROWS / sinkSeconds), bulkPath,
                Math.round(ROWS / bulkSeconds), bulkSeconds / sinkSeconds);
        Files.writeString(Path.of("target", "sink-benchmark.json"),
                new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(RESULTS));
    }

    @Test
    void postgres(PostgresService pg) throws Exception {
        pg.createDatabase("bench_sink");
        double sink = sinkRun(new PostgresSinkFactory(), "url: " + pg.jdbcUrl("bench_sink") + "\nuser: postgres\n");
        try (Connection c = pg.connect("bench_sink"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE bench_copy (LIKE bench INCLUDING ALL)");
            StringBuilder csv = new StringBuilder();
            long t0 = System.nanoTime();
            for (long id = 1; id <= ROWS; id++) {
                Row r = row(id);
                csv.append(id).append(',').append(r.get("name").asText()).append(',').append(r.get("email").asText()).append(',')
                        .append(r.get("amount").asText()).append(",2024-01-01 00:00:00,").append(r.get("payload").asText()).append('\n');
                if (id % 100_000 == 0 || id == ROWS) {
                    c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY bench_copy FROM STDIN WITH (FORMAT csv)", new StringReader(csv.toString()));
                    csv.setLength(0);
                }
            }
            report("postgres", sink, (System.nanoTime() - t0) / 1e9, "COPY");
        }
    }

    @Test
    void mariadb(MysqlService db) throws Exception {
        db.createDatabase("bench_sink");
        double sink = sinkRun(new MariaDbSinkFactory(), "url: " + db.jdbcUrl("bench_sink") + "\nuser: " + db.user() + "\npassword: "
                + db.password() + "\n");
        try (Connection c = db.connect("bench_sink"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE bench_bulk LIKE bench");
            long t0 = System.nanoTime();
            StringBuilder sql = new StringBuilder();
            for (long id = 1; id <= ROWS; id++) {
                Row r = row(id);
                sql.append(sql.length() == 0 ? "INSERT INTO bench_bulk VALUES " : ", ").append('(').append(id).append(",'")
                        .append(r.get("name").asText()).append("','").append(r.get("email").asText()).append("',")
                        .append(r.get("amount").asText()).append(",'2024-01-01 00:00:00','").append(r.get("payload").asText()).append("')");
                if (id % 1_000 == 0 || id == ROWS) {
                    s.execute(sql.toString());
                    sql.setLength(0);
                }
            }
            report("mariadb", sink, (System.nanoTime() - t0) / 1e9, "multi-row INSERT");
        }
    }

    @Test
    void cassandra(CassandraService cassandra) throws Exception {
        String contact = cassandra.host() + ":" + cassandra.port();
        double sink = sinkRun(new CassandraSinkFactory(), "contact_points: [" + contact + "]\nlocal_datacenter: "
                + cassandra.localDatacenter() + "\nkeyspace: bench\nreplication_factor: 1\n");
        try (CqlSession session = CqlSession.builder().addContactPoint(new InetSocketAddress(cassandra.host(), cassandra.port()))
                .withLocalDatacenter(cassandra.localDatacenter()).build()) {
            session.execute("CREATE TABLE IF NOT EXISTS bench.bench_bulk (id bigint PRIMARY KEY, name text, email text, amount decimal, "
                    + "created_at timestamp, payload text)");
            PreparedStatement insert = session.prepare("INSERT INTO bench.bench_bulk (id, name, email, amount, created_at, payload) "
                    + "VALUES (?, ?, ?, ?, ?, ?)");
            Semaphore inFlight = new Semaphore(256);
            List<CompletableFuture<?>> pending = new ArrayList<>();
            long t0 = System.nanoTime();
            for (long id = 1; id <= ROWS; id++) {
                Row r = row(id);
                inFlight.acquireUninterruptibly();
                BatchStatement batch = BatchStatement.newInstance(BatchType.UNLOGGED, insert.bind(id, r.get("name").asText(),
                        r.get("email").asText(), new BigDecimal(r.get("amount").asText()), Instant.parse("2024-01-01T00:00:00Z"),
                        r.get("payload").asText()));
                pending.add(session.executeAsync(batch).toCompletableFuture().whenComplete((x, e) -> inFlight.release()));
                if (pending.size() > 10_000) {
                    pending.removeIf(CompletableFuture::isDone);
                }
            }
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
            report("cassandra", sink, (System.nanoTime() - t0) / 1e9, "unlogged batches per partition");
        }
    }

    @Test
    void mongodb(MongoService mongo) throws Exception {
        double sink = sinkRun(new MongoSinkFactory(), "uri: " + mongo.connectionString() + "\ndatabase: bench\n");
        try (var client = MongoClients.create(mongo.connectionString())) {
            var collection = client.getDatabase("bench").getCollection("bench_bulk");
            long t0 = System.nanoTime();
            List<Document> docs = new ArrayList<>();
            for (long id = 1; id <= ROWS; id++) {
                Row r = row(id);
                docs.add(new Document("_id", id).append("name", r.get("name").asText()).append("email", r.get("email").asText())
                        .append("amount", new org.bson.types.Decimal128(new BigDecimal(r.get("amount").asText())))
                        .append("created_at", java.util.Date.from(Instant.parse("2024-01-01T00:00:00Z"))).append("payload", r.get("payload").asText()));
                if (docs.size() == 1_000 || id == ROWS) {
                    collection.insertMany(docs, new InsertManyOptions().ordered(false));
                    docs.clear();
                }
            }
            report("mongodb", sink, (System.nanoTime() - t0) / 1e9, "insertMany");
        }
    }
}
