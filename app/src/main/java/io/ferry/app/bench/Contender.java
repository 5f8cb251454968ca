package io.ferry.app.bench;

/**
 * What the benchmark measures: something that copies the source's {@code bench} table into a target database and
 * keeps it in sync. Ferry is one; PostgreSQL's own logical replication, the floor, another.
 */
interface Contender extends AutoCloseable {

    /** Starts copying (the first time: the snapshot; later: from where it stopped); returns the seconds the start took. */
    double start() throws BenchAborted;

    /** Stops copying, keeping its position, so changes queue at the source (the backlog phase). */
    void stop();

    /** Stops and removes what it made at the source (slots, publications); idempotent. */
    @Override
    void close();
}
