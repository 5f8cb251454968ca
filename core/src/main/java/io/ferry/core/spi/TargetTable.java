package io.ferry.core.spi;

import io.ferry.core.schema.Column;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A target table (or collection) as the mapping defines it: columns with canonical types, and its key.
 * SQL and document targets use only {@code partitionKey} as the primary key; Cassandra adds clustering
 * columns, each with its order.
 */
public record TargetTable(String name, List<Column> columns, List<String> partitionKey, List<String> clusteringKey,
        List<Boolean> clusteringDescending) {

    public TargetTable {
        Objects.requireNonNull(name, "name");
        columns = List.copyOf(columns);
        partitionKey = List.copyOf(partitionKey);
        clusteringKey = List.copyOf(clusteringKey);
        clusteringDescending = List.copyOf(clusteringDescending);
        if (partitionKey.isEmpty()) {
            throw new IllegalArgumentException("target table " + name + " needs a key");
        }
        if (clusteringDescending.size() != clusteringKey.size()) {
            throw new IllegalArgumentException("target table " + name + ": one order per clustering column");
        }
        Set<String> names = new HashSet<>();
        columns.forEach(c -> names.add(c.name()));
        List<String> wholeKey = new ArrayList<>(partitionKey);
        wholeKey.addAll(clusteringKey);
        for (String k : wholeKey) {
            if (!names.contains(k)) {
                throw new IllegalArgumentException("target table " + name + ": key column '" + k + "' is not a column");
            }
        }
    }

    /** A table keyed by a plain primary key. */
    public static TargetTable keyed(String name, List<Column> columns, List<String> primaryKey) {
        return new TargetTable(name, columns, primaryKey, List.of(), List.of());
    }

    /** The whole key: partition key, then clustering columns. */
    public List<String> key() {
        List<String> all = new ArrayList<>(partitionKey);
        all.addAll(clusteringKey);
        return all;
    }
}
