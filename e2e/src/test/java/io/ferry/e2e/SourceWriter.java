package io.ferry.e2e;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The concurrent writer: random transactions against the source at a steady rate on one connection, from start
 * until {@link #stop()}. Deadlocks and serialization failures are retried; a lost connection (the source restarted)
 * is reopened. Anything else is kept and {@link #stop()} throws it, so a broken workload cannot pass as a quiet one.
 */
final class SourceWriter implements AutoCloseable {

    interface Connector {
        Connection connect() throws SQLException;
    }

    interface Transaction {
        /** One transaction's statements; the writer commits. */
        void run(Connection c, Random random) throws SQLException;
    }

    private final Connector connector;
    private final Transaction transaction;
    private final long pauseMillis;
    private final Random random;
    private final AtomicLong committed = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final List<Throwable> failures = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    SourceWriter(Connector connector, Transaction transaction, int perSecond, long seed) {
        this.connector = connector;
        this.transaction = transaction;
        this.pauseMillis = 1000L / perSecond;
        this.random = new Random(seed);
        this.thread = new Thread(this::loop, "source-writer");
        thread.setDaemon(true);
    }

    SourceWriter start() {
        thread.start();
        return this;
    }

    long committed() {
        return committed.get();
    }

    private void loop() {
        Connection c = null;
        while (running) {
            try {
                if (c == null || c.isClosed()) {
                    c = connector.connect();
                    c.setAutoCommit(false);
                }
                transaction.run(c, random);
                c.commit();
                committed.incrementAndGet();
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (SQLException e) {
                rollbackQuietly(c);
                if (transient_(e)) {
                    retried.incrementAndGet();
                    c = reconnectIfBroken(c);
                    sleepQuietly(200);
                } else {
                    synchronized (failures) {
                        failures.add(e);
                    }
                    sleepQuietly(200);
                }
            } catch (RuntimeException e) {
                rollbackQuietly(c);
                synchronized (failures) {
                    failures.add(e);
                }
                sleepQuietly(200);
            }
        }
        closeQuietly(c);
    }

    /** Deadlock, serialization failure, lock wait timeout, or the connection went away. */
    private static boolean transient_(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        return e instanceof SQLTransientException || state.startsWith("08") || state.startsWith("40") || state.equals("57P01")
                || state.equals("57P03") || state.equals("HY000") && String.valueOf(e.getMessage()).contains("Lock wait timeout")
                || e.getErrorCode() == 1213 || e.getErrorCode() == 1205;
    }

    private static Connection reconnectIfBroken(Connection c) {
        try {
            if (c != null && c.isValid(2)) {
                return c;
            }
        } catch (SQLException e) {
            // treat as broken
        }
        closeQuietly(c);
        return null;
    }

    /** Stops after the transaction in flight and throws the first unexpected failure, if any. */
    void stop() throws InterruptedException {
        running = false;
        thread.join(60_000);
        synchronized (failures) {
            if (!failures.isEmpty()) {
                AssertionError e = new AssertionError(failures.size() + " transaction(s) of the source writer failed; the first: "
                        + failures.get(0), failures.get(0));
                failures.stream().skip(1).limit(4).forEach(e::addSuppressed);
                throw e;
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(60_000);
    }

    long retried() {
        return retried.get();
    }

    private static void rollbackQuietly(Connection c) {
        try {
            if (c != null && !c.isClosed()) {
                c.rollback();
            }
        } catch (SQLException ignored) {
            // the connection is broken; it is reopened
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (SQLException ignored) {
            // nothing to do
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
