package io.ferry.core.spi;

/** Optional sink capability: create missing target tables and follow schema changes. */
public interface TableManager {

    /**
     * Makes sure the target table exists with at least the given columns, creating it when missing
     * and applying the policy to differences. Called before the first write to a table and after each
     * schema change; must be idempotent.
     *
     * @throws SinkWriteException retryable when the target is unreachable; not retryable when the
     *     policy forbids the change, with a message naming table and column
     */
    void ensureTable(TargetTable table, EvolutionPolicy policy) throws SinkWriteException;
}
