package io.ferry.app.bench;

import io.ferry.devstack.PostgresService;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * PostgreSQL's own logical replication of the {@code bench} table, a publication in the source database and a
 * subscription in the target one: the physical floor of a PostgreSQL to PostgreSQL copy (WAL decoded by the server,
 * applied by its workers, no Kafka, no JVM in the path). The subscription copies the table first ({@code copy_data}),
 * then streams; stopping disables it, so changes queue in its slot. Source and target are databases of the same
 * server, so the slot is made beforehand ({@code create_slot = false}): a subscription cannot make it there itself.
 */
final class LogicalReplicationFloor implements Contender {

    static final String NAME = "ferry_bench_floor";

    private final PostgresService pg;
    private final String sourceDatabase;
    private final String targetDatabase;
    private boolean subscribed;

    LogicalReplicationFloor(PostgresService pg, String sourceDatabase, String targetDatabase) {
        this.pg = pg;
        this.sourceDatabase = sourceDatabase;
        this.targetDatabase = targetDatabase;
    }

    @Override
    public double start() throws BenchAborted {
        long t0 = System.nanoTime();
        try (Connection source = pg.connect(sourceDatabase); Connection target = pg.connect(targetDatabase);
                Statement s = source.createStatement(); Statement t = target.createStatement()) {
            if (!subscribed) {
                s.execute("CREATE PUBLICATION " + NAME + " FOR TABLE " + BenchTable.NAME);
                s.execute("SELECT pg_create_logical_replication_slot('" + NAME + "', 'pgoutput')");
                t.execute("CREATE SUBSCRIPTION " + NAME + " CONNECTION '" + connection() + "' PUBLICATION " + NAME
                        + " WITH (create_slot = false, slot_name = '" + NAME + "', copy_data = true)");
                subscribed = true;
            } else {
                t.execute("ALTER SUBSCRIPTION " + NAME + " ENABLE");
            }
        } catch (SQLException e) {
            throw new BenchAborted("PostgreSQL's logical replication did not start: " + e.getMessage(), e);
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    private String connection() {
        return "host=" + pg.host() + " port=" + pg.port() + " dbname=" + sourceDatabase + " user=" + pg.user()
                + (pg.password() == null ? "" : " password=" + pg.password());
    }

    @Override
    public StopOutcome stop() {
        try (Connection target = pg.connect(targetDatabase); Statement t = target.createStatement()) {
            t.execute("ALTER SUBSCRIPTION " + NAME + " DISABLE");
            return StopOutcome.CLEAN;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot disable the subscription " + NAME + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (!subscribed) {
            return;
        }
        subscribed = false;
        try (Connection target = pg.connect(targetDatabase); Statement t = target.createStatement()) {
            // dropping the subscription drops its slot at the publisher too
            t.execute("DROP SUBSCRIPTION IF EXISTS " + NAME);
        } catch (SQLException e) {
            // the server is going away with the benchmark
        }
        try (Connection source = pg.connect(sourceDatabase); Statement s = source.createStatement()) {
            s.execute("DROP PUBLICATION IF EXISTS " + NAME);
        } catch (SQLException e) {
            // as above
        }
    }
}
