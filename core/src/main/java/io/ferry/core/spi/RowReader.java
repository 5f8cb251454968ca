package io.ferry.core.spi;

import io.ferry.core.event.Row;
import java.util.function.Consumer;

/** Optional sink capability: read target rows back, for validation. */
public interface RowReader {

    /**
     * Streams the rows of {@code table} in {@code range} to {@code rows}, as canonical values at the
     * target's precision (the sink's type table says which). Reads a consistent-enough view for
     * validation; rows changed while reading are rechecked by the validator, not here.
     *
     * @throws SinkWriteException retryable when the target is unreachable
     */
    void read(String table, KeyRange range, Consumer<Row> rows) throws SinkWriteException;

    /**
     * Whether {@code table} is there to read. Validation reads the source through a reader too, and a table a mapping's
     * pattern matched when capture saw it may have been dropped since. Unless a reader knows better: assumed there.
     *
     * @throws SinkWriteException retryable when the target is unreachable
     */
    default boolean exists(String table) throws SinkWriteException {
        return true;
    }

    /**
     * Whether {@code table} has a row, without knowing its shape: validation asks the source so, for a table capture has
     * published no schema of (capture publishes a table's schema with its first row).
     *
     * @throws UnsupportedOperationException when the reader cannot tell (the default)
     * @throws SinkWriteException retryable when the target is unreachable
     */
    default boolean hasRows(String table) throws SinkWriteException {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot tell whether a table has rows");
    }

    /**
     * The tables of the reader's schema (PostgreSQL) or database (MySQL), without partitions: validation lists the source's
     * so, for the tables a mapping's pattern matches that capture has not published.
     *
     * @throws UnsupportedOperationException when the reader cannot list them (the default)
     * @throws SinkWriteException retryable when the target is unreachable
     */
    default java.util.List<String> tableNames() throws SinkWriteException {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot list its tables");
    }
}
