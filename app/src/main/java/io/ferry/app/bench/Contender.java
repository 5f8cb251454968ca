package io.ferry.app.bench;

/**
 * What the benchmark measures: something that copies the source's {@code bench} table into a target database and
 * keeps it in sync. Ferry is one; Debezium's connectors in Kafka Connect, the peer, another; PostgreSQL's own logical
 * replication, the floor, a third.
 */
interface Contender extends AutoCloseable {

    /** Starts copying (the first time: the snapshot; later: from where it stopped); returns the seconds until it said it was up. */
    double start() throws BenchAborted;

    /**
     * Stops copying, keeping its position, so changes queue at the source (the backlog phase). When it returns, nothing the
     * stopped contender left behind holds its next start back (the peer: its sink's members of the consumer group).
     *
     * @return how it went; not clean when it had to be killed or had exited on its own before
     * @throws BenchAborted when what it left behind does not go away
     */
    StopOutcome stop() throws BenchAborted;

    /** Fails when the contender died on its own: a phase waiting for it would only time out. */
    default void checkAlive() throws BenchAborted {
    }

    /** CPU seconds and peak RSS of the contender's own processes so far; null where it runs inside PostgreSQL (the floor). */
    default BenchResult.ProcessUse process() {
        return null;
    }

    /** CPU seconds of the contender's own processes so far, unrounded; 0 where {@link #process()} is null. */
    default double cpuSeconds() {
        BenchResult.ProcessUse p = process();
        return p == null ? 0 : p.cpuSeconds();
    }

    /** Stops; idempotent. */
    @Override
    void close();
}
