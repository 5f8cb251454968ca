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
}
