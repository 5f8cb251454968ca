package io.ferry.core.spi;

/** What a sink does when the mapped schema gains or changes a column. */
public enum EvolutionPolicy {
    /** Add the column (or widen it) in the target. */
    EVOLVE,
    /** Leave the target alone; the new column's values are not written. */
    IGNORE,
    /** Stop the sink with a message naming the table and column. */
    FAIL
}
