package io.ferry.transform.mapping;

import java.util.List;
import java.util.Optional;

/**
 * One target table (or collection) and how its rows are made from a source table.
 *
 * @param name a stable name for the mapping (defaults to {@code to}); state stores are named after it
 * @param to the target table
 * @param sinks the sinks that receive it; empty means every sink of the pipeline
 * @param key the target key columns; empty means the source's primary key, through renames
 * @param clustering Cassandra clustering columns, in order; empty elsewhere
 * @param entity the root row's mapping: source table (or pattern), columns, relations, filter
 */
public record TargetMapping(String name, String to, List<String> sinks, List<String> key, List<Clustering> clustering,
        Entity entity, Origin origin) {

    public TargetMapping {
        sinks = List.copyOf(sinks);
        key = List.copyOf(key);
        clustering = List.copyOf(clustering);
    }

    /** A clustering column and whether it sorts descending. */
    public record Clustering(String column, boolean descending) {
    }

    /** Whether it writes to this sink (naming none, it writes to every sink). */
    public boolean writesTo(String sink) {
        return sinks.isEmpty() || sinks.contains(sink);
    }

    /** The sinks it writes to, of the pipeline's {@code all}. */
    public List<String> sinksOf(List<String> all) {
        return sinks.isEmpty() ? all : sinks;
    }

    /** Whether the mapping builds a document with nested children (patches make sense for it). */
    public boolean nested() {
        return entity.hasNests();
    }

    public Optional<List<String>> explicitKey() {
        return key.isEmpty() ? Optional.empty() : Optional.of(key);
    }
}
