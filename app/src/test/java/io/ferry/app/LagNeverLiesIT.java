package io.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferry.app.service.FerryService;
import io.ferry.app.service.Role;
import io.ferry.core.config.PipelineConfig;
import io.ferry.core.config.PipelineLoader;
import io.ferry.devstack.PostgresService;
import io.ferry.devstack.Service;
import io.ferry.devstack.junit.WithServices;
import io.ferry.validation.lag.LagTracker;
import io.ferry.validation.lag.TableLag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * "The gate never lies": under continuous random writes, whenever the service reports lag ≤ X for a table,
 * every probe row committed at the source more than X before that report is already in the target. Each
 * probe row's commit is bounded from above by the source's clock read right after the commit returned.
 * Then the source goes idle, and the lag must fall to a few heartbeat intervals and stay there.
 * {@code -Dferry.lag.samples} scales the number of samples (default 40).
 */
@WithServices(Service.POSTGRES)
class LagNeverLiesIT {

    private static final int SAMPLES = Integer.getInteger("ferry.lag.samples", 40);
    /** Heartbeats every 300 ms, the lag computed every second: idle, the lag stays well under this. */
    private static final long IDLE_BOUND_MS = 5_000;

    @Test
    void everyChangeOlderThanTheReportedLagIsApplied(PostgresService pg) throws Exception {
        pg.createDatabase("lag_src");
        pg.createDatabase("lag_dst");
        try (Connection c = pg.connect("lag_src"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE probe (id BIGSERIAL PRIMARY KEY, pad TEXT)");
            s.execute("CREATE TABLE noise (id BIGSERIAL PRIMARY KEY, grp INT, pad TEXT)");
        }
        Path dir = UsersPipeline.freshDir("lag-it");
        Files.createDirectories(dir);
        Path file = dir.resolve("pipeline.yaml");
        Files.writeString(file, """
                pipeline: {name: lag-it, data_dir: %s}
                kafka: {partitions: 3}
                source:
                  type: postgres
                  host: %s
                  port: %d
                  database: lag_src
                  user: %s
                  password: %s
                  tables: [public.probe, public.noise]
                  heartbeat: {interval: 300ms}
                mappings:
                  - {to: probe, from: public.probe}
                  - {to: noise, from: public.noise}
                sinks:
                  - {name: pg, type: postgres, url: "%s", user: %s, password: %s, batch_rows: 500}
                validation: {lag_threshold: 5s, continuous: false}
                http: {enabled: false}
                """.formatted(dir.resolve("state"), pg.host(), pg.port(), pg.user(), pg.password(), pg.jdbcUrl("lag_dst"), pg.user(),
                pg.password()));
        PipelineConfig config = PipelineLoader.standard().load(file);

        // probe id -> an upper bound of its commit time on the source's clock (microseconds)
        ConcurrentSkipListMap<Long, Long> committed = new ConcurrentSkipListMap<>();
        List<Thread> writers = new ArrayList<>();
        var running = new java.util.concurrent.atomic.AtomicBoolean(true);
        try (FerryService service = new FerryService(config, EnumSet.allOf(Role.class), new SimpleMeterRegistry()).start()) {
            writers.add(writer(running, () -> probe(pg, running, committed)));
            writers.add(writer(running, () -> noise(pg, running)));
            await().atMost(Duration.ofMinutes(2)).until(() -> probeLag(service.lag().orElseThrow()) != null);

            int known = 0;
            long maxLag = 0;
            for (int i = 0; i < SAMPLES; i++) {
                Thread.sleep(ThreadLocalRandom.current().nextInt(200, 700));
                LagTracker.Snapshot snapshot = service.lag().orElseThrow();
                TableLag lag = probeLag(snapshot);
                if (lag == null || snapshot.sourceNowUs() < 0) {
                    continue;
                }
                known++;
                maxLag = Math.max(maxLag, lag.lagMs());
                long cutoffUs = snapshot.sourceNowUs() - lag.lagMs() * 1000;
                Set<Long> mustBeThere = new HashSet<>();
                committed.forEach((id, commitBoundUs) -> {
                    if (commitBoundUs < cutoffUs) {
                        mustBeThere.add(id);
                    }
                });
                Set<Long> there = targetIds(pg, mustBeThere);
                mustBeThere.removeAll(there);
                assertThat(mustBeThere).as("probe rows committed more than %d ms before a report of %d ms lag, yet not in the target",
                        lag.lagMs(), lag.lagMs()).isEmpty();
            }
            assertThat(known).as("samples with a known lag").isGreaterThan(SAMPLES / 2);
            assertThat(committed.size()).as("probe rows written").isGreaterThan(100);
            System.out.printf("lag never lied: %d samples, %d probe rows, max reported lag %d ms%n", known, committed.size(), maxLag);

            // the source goes idle: only heartbeats (every 300 ms) move on, and the lag follows them down and stays
            // there, neither stale nor growing (a generous bound: a few heartbeat intervals plus a computation)
            running.set(false);
            for (Thread w : writers) {
                w.join(10_000);
            }
            await("the lag of an idle source down to a few heartbeat intervals").atMost(Duration.ofMinutes(1))
                    .until(() -> idleLag(service) <= IDLE_BOUND_MS);
            for (int i = 0; i < 10; i++) {
                Thread.sleep(500);
                assertThat(idleLag(service)).as("lag of an idle source, sample %d", i).isLessThanOrEqualTo(IDLE_BOUND_MS);
            }
        } finally {
            running.set(false);
            for (Thread w : writers) {
                w.join(10_000);
            }
        }
    }

    /** The probe table's lag now, or a value above any bound while it is unknown. */
    private static long idleLag(FerryService service) {
        TableLag l = probeLag(service.lag().orElseThrow());
        return l == null ? Long.MAX_VALUE : l.lagMs();
    }

    private static TableLag probeLag(LagTracker.Snapshot s) {
        return s.tables().stream().filter(t -> t.table().equals("probe") && t.known()).findFirst().orElse(null);
    }

    private interface Work {
        void run() throws Exception;
    }

    private static Thread writer(java.util.concurrent.atomic.AtomicBoolean running, Work work) {
        Thread t = new Thread(() -> {
            try {
                work.run();
            } catch (Exception e) {
                if (running.get()) {
                    throw new IllegalStateException(e);
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** One probe row per transaction; after the commit returns, the source's clock bounds the commit time from above. */
    private static void probe(PostgresService pg, java.util.concurrent.atomic.AtomicBoolean running, ConcurrentSkipListMap<Long, Long> out)
            throws SQLException, InterruptedException {
        try (Connection c = pg.connect("lag_src"); PreparedStatement insert = c.prepareStatement("INSERT INTO probe (pad) VALUES ('p') RETURNING id");
                PreparedStatement clock = c.prepareStatement("SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint")) {
            while (running.get()) {
                long id;
                try (ResultSet r = insert.executeQuery()) {
                    r.next();
                    id = r.getLong(1);
                }
                try (ResultSet r = clock.executeQuery()) {
                    r.next();
                    out.put(id, r.getLong(1));
                }
                Thread.sleep(ThreadLocalRandom.current().nextInt(2, 20));
            }
        }
    }

    /** Bursts of larger transactions, so the pipeline has work queued behind the probes. */
    private static void noise(PostgresService pg, java.util.concurrent.atomic.AtomicBoolean running) throws SQLException, InterruptedException {
        try (Connection c = pg.connect("lag_src"); Statement s = c.createStatement()) {
            while (running.get()) {
                int rows = ThreadLocalRandom.current().nextInt(20, 500);
                s.execute("INSERT INTO noise (grp, pad) SELECT g % 10, repeat('x', 100) FROM generate_series(1, " + rows + ") g");
                if (ThreadLocalRandom.current().nextInt(4) == 0) {
                    s.execute("UPDATE noise SET pad = 'y' WHERE grp = " + ThreadLocalRandom.current().nextInt(10)
                            + " AND id > (SELECT max(id) - 3000 FROM noise)");
                }
                Thread.sleep(ThreadLocalRandom.current().nextInt(50, 300));
            }
        }
    }

    private static Set<Long> targetIds(PostgresService pg, Set<Long> wanted) throws SQLException {
        Set<Long> out = new HashSet<>();
        if (wanted.isEmpty()) {
            return out;
        }
        try (Connection c = pg.connect("lag_dst"); PreparedStatement ps = c.prepareStatement("SELECT id FROM probe WHERE id = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("bigint", wanted.toArray()));
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) {
                    out.add(r.getLong(1));
                }
            }
        } catch (SQLException e) {
            if (e.getMessage().contains("does not exist")) {
                return out; // the target table is not created yet
            }
            throw e;
        }
        return out;
    }
}
