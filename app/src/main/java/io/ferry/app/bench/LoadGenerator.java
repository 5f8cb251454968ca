package io.ferry.app.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes the workload into the source over one connection: single-row transactions at a fixed rate (the
 * steady phase), or a backlog in larger transactions. Inserts take fresh ids above the snapshot's rows;
 * updates change existing rows. Not thread-safe: one phase at a time.
 */
final class LoadGenerator {

    /** Told about each committed steady-phase transaction; called on the generator's thread. */
    interface Tracker {
        /** True while a change to this row is still on its way: the generator then updates another one. */
        boolean busy(long id);

        void committed(long id, String expectedName, long committedNanos, boolean measured);
    }

    /** What the steady phase wrote; rate and counts over the measured window (after the warm-up). */
    record SteadyRun(long transactions, long inserts, long updates, double seconds, double achievedRate) {
    }

    /** What the backlog wrote: inserts with ids in [insertFrom, insertTo], updates of rows 1..updates. */
    record BacklogRun(long events, long insertFrom, long insertTo, long updates, double seconds) {
    }

    private final Connection source;
    private final long snapshotRows;
    private long nextId;

    LoadGenerator(Connection source, long snapshotRows) {
        this.source = source;
        this.snapshotRows = snapshotRows;
        this.nextId = snapshotRows + 1;
    }

    /**
     * Open loop: transaction i is due at start + i / rate, inserts and updates alternating; a late one is
     * sent at once, so a slow source shows as an achieved rate below the target. Ends after warm-up + duration.
     */
    SteadyRun steady(int rate, Duration warmup, Duration duration, Tracker tracker) throws SQLException {
        source.setAutoCommit(true);
        long period = 1_000_000_000L / rate;
        long start = System.nanoTime();
        long measuredFrom = start + warmup.toNanos();
        long end = measuredFrom + duration.toNanos();
        long transactions = 0;
        long inserts = 0;
        long updates = 0;
        try (PreparedStatement insert = source.prepareStatement(BenchTable.INSERT);
                PreparedStatement update = source.prepareStatement(BenchTable.UPDATE)) {
            for (long seq = 0; ; seq++) {
                long due = start + seq * period;
                if (due >= end || System.nanoTime() >= end) {
                    // the phase lasts its duration also when the source falls behind the schedule (a rate above what one
                    // connection commits): the achieved rate shows the shortfall
                    break;
                }
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                // after the warm-up by the schedule or, when the source fell behind it, by the clock: a rate far above
                // what the source takes must not leave the whole phase in its warm-up (nothing measured)
                boolean measured = Math.max(due, System.nanoTime()) >= measuredFrom;
                long id;
                String name;
                if (seq % 2 == 0) {
                    id = nextId++;
                    name = BenchTable.insertedName(id);
                    BenchTable.bindInsert(insert, id);
                    insert.executeUpdate();
                    inserts += measured ? 1 : 0;
                } else {
                    id = unbusyRow(tracker);
                    name = BenchTable.updatedName(id, seq);
                    BenchTable.bindUpdate(update, id, name);
                    update.executeUpdate();
                    updates += measured ? 1 : 0;
                }
                tracker.committed(id, name, System.nanoTime(), measured);
                transactions += measured ? 1 : 0;
            }
        }
        double seconds = (System.nanoTime() - measuredFrom) / 1e9;
        return new SteadyRun(transactions, inserts, updates, seconds, transactions / seconds);
    }

    /**
     * Half the events update rows 1..n once each, in random order (at most the snapshot's rows); the rest
     * insert fresh rows; {@code perTransaction} events per transaction, as fast as the source takes them.
     */
    BacklogRun backlog(int events, int perTransaction) throws SQLException {
        int updates = (int) Math.min(events / 2, snapshotRows);
        long[] updateIds = shuffledIds(updates);
        long insertFrom = nextId;
        long start = System.nanoTime();
        source.setAutoCommit(false);
        try (PreparedStatement insert = source.prepareStatement(BenchTable.INSERT);
                PreparedStatement update = source.prepareStatement(BenchTable.UPDATE)) {
            int updated = 0;
            for (int i = 0; i < events; i++) {
                if (i % 2 == 1 && updated < updates) {
                    long id = updateIds[updated++];
                    BenchTable.bindUpdate(update, id, BenchTable.backlogName(id));
                    update.addBatch();
                } else {
                    BenchTable.bindInsert(insert, nextId++);
                    insert.addBatch();
                }
                if ((i + 1) % perTransaction == 0 || i == events - 1) {
                    insert.executeBatch();
                    update.executeBatch();
                    source.commit();
                }
            }
        } finally {
            source.setAutoCommit(true);
        }
        return new BacklogRun(events, insertFrom, nextId - 1, updates, (System.nanoTime() - start) / 1e9);
    }

    private long unbusyRow(Tracker tracker) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long id;
        do {
            id = 1 + r.nextLong(snapshotRows);
        } while (tracker.busy(id));
        return id;
    }

    private static long[] shuffledIds(int n) {
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = i + 1;
        }
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            long t = ids[i];
            ids[i] = ids[j];
            ids[j] = t;
        }
        return ids;
    }
}
