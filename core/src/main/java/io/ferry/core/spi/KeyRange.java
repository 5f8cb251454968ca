package io.ferry.core.spi;

import io.ferry.core.event.Row;

/** Which rows of a target table to read back: all, a range of keys (SQL, MongoDB), or a token range (Cassandra). */
public sealed interface KeyRange permits KeyRange.All, KeyRange.Keys, KeyRange.Tokens {

    KeyRange ALL = new All();

    record All() implements KeyRange {
    }

    /**
     * Keys from {@code fromInclusive} up to {@code toExclusive} in the table's key order; either bound may
     * be null for an open end.
     */
    record Keys(Row fromInclusive, Row toExclusive) implements KeyRange {
    }

    /** Cassandra partitions whose token is in (fromExclusive, toInclusive], Murmur3 tokens. */
    record Tokens(long fromExclusive, long toInclusive) implements KeyRange {
    }
}
