package io.ferry.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.config.KafkaSettings;
import io.ferry.devstack.KafkaService;
import io.ferry.devstack.MysqlService;
import io.ferry.devstack.PostgresService;
import io.ferry.devstack.Service;
import io.ferry.devstack.junit.WithServices;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/**
 * Capture throughput, run by hand (never part of verify; its name matches neither *Test nor *IT):
 * <pre>
 * ./mvnw -B -pl capture -am verify -Dit.test=CaptureBenchmark -Dfailsafe.failIfNoSpecifiedTests=false \
 *     -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dferry.bench.rows=1000000
 * </pre>
 * Snapshot: a table of {@code ferry.bench.rows} rows of ~200 bytes, time from start until every row is
 * in Kafka. Streaming: {@code ferry.bench.stream} more rows inserted as fast as the source takes them in
 * 10,000-row transactions, time from the first insert until capture has published them all.
 */
@WithServices({Service.POSTGRES, Service.MARIADB, Service.KAFKA})
class CaptureBenchmark {

    private static final int ROWS = Integer.getInteger("ferry.bench.rows", 1_000_000);
    private static final int STREAM = Integer.getInteger("ferry.bench.stream", 200_000);
    private static final Map<String, Object> RESULTS = new LinkedHashMap<>();

    @Test
    void postgres(PostgresService pg, KafkaService kafka) throws Exception {
        pg.createDatabase("bench_pg");
        try (Connection c = pg.connect("bench_pg"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE bench (id bigint PRIMARY KEY, name text, email text, amount numeric(12,2), "
                    + "created_at timestamp, payload text)");
            s.execute(insertPg(1, ROWS));
        }
        CaptureSettings base = TestSources.postgres("bench-pg", pg, "bench_pg", kafka, "public.bench");
        run("postgres", withPartitions(base), () -> {
            try (Connection c = pg.connect("bench_pg"); Statement s = c.createStatement()) {
                for (int from = ROWS + 1; from <= ROWS + STREAM; from += 10_000) {
                    s.execute(insertPg(from, Math.min(from + 9_999, ROWS + STREAM)));
                }
            }
        });
    }

    @Test
    void mariadb(MysqlService db, KafkaService kafka) throws Exception {
        db.createDatabase("bench_maria");
        try (Connection c = db.connect("bench_maria"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE bench (id BIGINT PRIMARY KEY, name VARCHAR(64), email VARCHAR(64), amount DECIMAL(12,2), "
                    + "created_at DATETIME(6), payload VARCHAR(128))");
            for (int from = 1; from <= ROWS; from += 100_000) {
                s.execute(insertMaria(from, Math.min(from + 99_999, ROWS)));
            }
        }
        CaptureSettings base = TestSources.mariadb("bench-maria", db, "bench_maria", kafka, 6199, "bench_maria\\.bench");
        run("mariadb", withPartitions(base), () -> {
            try (Connection c = db.connect("bench_maria"); Statement s = c.createStatement()) {
                for (int from = ROWS + 1; from <= ROWS + STREAM; from += 10_000) {
                    s.execute(insertMaria(from, Math.min(from + 9_999, ROWS + STREAM)));
                }
            }
        });
    }

    private interface Load {
        void run() throws Exception;
    }

    private static void run(String engine, CaptureSettings settings, Load streamLoad) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        long t0 = System.nanoTime();
        try (Capture capture = Capture.start(settings, registry)) {
            LongSupplier snapshotted = () -> capture.progress().tables().stream().mapToLong(p -> p.rowsDone()).sum();
            await(() -> snapshotted.getAsLong() >= ROWS, Duration.ofMinutes(30));
            double snapshotSeconds = (System.nanoTime() - t0) / 1e9;
            LongSupplier created = () -> (long) registry.find("ferry.capture.events").tag("op", "c").counters().stream()
                    .mapToDouble(c -> c.count()).sum();
            long t1 = System.nanoTime();
            streamLoad.run();
            double loadSeconds = (System.nanoTime() - t1) / 1e9;
            await(() -> created.getAsLong() >= STREAM, Duration.ofMinutes(30));
            double streamSeconds = (System.nanoTime() - t1) / 1e9;
            assertThat(created.getAsLong()).isEqualTo(STREAM);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("snapshot_rows", ROWS);
            r.put("snapshot_seconds", round(snapshotSeconds));
            r.put("snapshot_rows_per_s", Math.round(ROWS / snapshotSeconds));
            r.put("stream_events", STREAM);
            r.put("stream_source_insert_seconds", round(loadSeconds));
            r.put("stream_seconds_until_captured", round(streamSeconds));
            r.put("stream_events_per_s", Math.round(STREAM / streamSeconds));
            RESULTS.put(engine, r);
            System.out.printf("%n%-9s snapshot %,d rows in %.1f s = %,d rows/s | streaming %,d events in %.1f s = %,d events/s "
                    + "(source took %.1f s to insert them)%n", engine, ROWS, snapshotSeconds, Math.round(ROWS / snapshotSeconds),
                    STREAM, streamSeconds, Math.round(STREAM / streamSeconds), loadSeconds);
            Path out = Path.of("target", "capture-benchmark.json");
            Files.writeString(out, new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter()
                    .writeValueAsString(RESULTS));
        }
    }

    private static CaptureSettings withPartitions(CaptureSettings s) {
        return new CaptureSettings(s.pipeline(), s.source(), new KafkaSettings(Optional.empty(), 6, Optional.empty(),
                Optional.empty(), Map.of()), s.bootstrapServers());
    }

    private static void await(java.util.function.BooleanSupplier done, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("benchmark did not finish within " + max);
            }
            Thread.sleep(100);
        }
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static String insertPg(int from, int to) {
        return "INSERT INTO bench SELECT g, 'name ' || g, 'user' || g || '@example.com', (g % 100000) / 100.0, "
                + "timestamp '2024-01-01' + g * interval '1 second', repeat(md5(g::text), 3) FROM generate_series(" + from + ", " + to + ") g";
    }

    private static String insertMaria(int from, int to) {
        return "INSERT INTO bench SELECT seq, CONCAT('name ', seq), CONCAT('user', seq, '@example.com'), (seq % 100000) / 100.0, "
                + "TIMESTAMPADD(SECOND, seq, '2024-01-01'), REPEAT(MD5(seq), 3) FROM seq_" + from + "_to_" + to;
    }
}
