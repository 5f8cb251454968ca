package io.ferry.sinks.jdbc;

/**
 * When a batch goes straight into a table by COPY (cheapest, right for new rows) and when through a staging table
 * (needed once a row already exists): after the direct COPY hit an existing key, the next batches of that table go
 * to staging, 2, 4, ... up to 64 of them while it keeps hitting one, so an update-heavy stream does not send and
 * roll back every batch twice; a direct COPY that succeeds makes the next batch try directly again. Thread-safe.
 */
final class DirectCopyBackoff {

    static final int MAX_SKIP_SHIFT = 6;

    private int skip;
    private int misses;

    /** Whether this batch should try the direct COPY. */
    synchronized boolean tryDirect() {
        if (skip > 0) {
            skip--;
            return false;
        }
        return true;
    }

    synchronized void hitExistingKey() {
        misses = Math.min(misses + 1, MAX_SKIP_SHIFT);
        skip = 1 << misses;
    }

    synchronized void copied() {
        misses = 0;
        skip = 0;
    }
}
