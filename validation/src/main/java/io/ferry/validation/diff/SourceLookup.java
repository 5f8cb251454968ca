package io.ferry.validation.diff;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.core.event.Row;
import io.ferry.core.event.TableId;
import io.ferry.core.spi.SinkWriteException;
import io.ferry.transform.mapping.RowLookup;
import io.ferry.transform.mapping.RowMapper;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The related and nested source rows a mapping looks up, from in-memory copies of the source tables: each table
 * read once (per validation pass) the first time it is looked up, and indexed by the column lists it is looked up
 * by. This first version holds every such table in memory; the root tables of the mappings are streamed instead.
 * Answers in primary-key order, as the transform stage's state does.
 */
final class SourceLookup implements RowLookup {

    /** What {@link #find} may throw when the source cannot be read: unchecked, since {@link RowLookup} declares nothing. */
    static final class SourceUnavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SourceUnavailable(SinkWriteException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private record IndexId(TableId table, List<String> columns) {
    }

    private final SourceRows source;
    private final Map<TableId, List<Row>> tables = new HashMap<>();
    private final Map<IndexId, Map<String, List<Row>>> indexes = new HashMap<>();

    SourceLookup(SourceRows source) {
        this.source = source;
    }

    @Override
    public List<Row> find(TableId table, List<String> columns, List<JsonNode> values) {
        Map<String, List<Row>> index = indexes.computeIfAbsent(new IndexId(table, List.copyOf(columns)), id -> index(id));
        return index.getOrDefault(valuesKey(values), List.of());
    }

    /** How many rows of related tables this lookup holds. */
    long rowsHeld() {
        return tables.values().stream().mapToLong(List::size).sum();
    }

    private Map<String, List<Row>> index(IndexId id) {
        Map<String, List<Row>> out = new HashMap<>();
        for (Row row : rows(id.table())) {
            List<JsonNode> values = RowMapper.values(row, id.columns());
            if (values != null) {
                out.computeIfAbsent(valuesKey(values), k -> new ArrayList<>()).add(row);
            }
        }
        return out;
    }

    private List<Row> rows(TableId table) {
        return tables.computeIfAbsent(table, t -> {
            List<String> key = source.schema(t).primaryKey();
            List<Row> rows = new ArrayList<>();
            try {
                source.read(t, rows::add);
            } catch (SinkWriteException e) {
                throw new SourceUnavailable(e);
            }
            // the reader orders by key in the database's collation; the transform stage orders by value
            rows.sort(Comparator.comparing(r -> primaryKey(r, key), SourceLookup::compareKeys));
            return rows;
        });
    }

    private static List<JsonNode> primaryKey(Row row, List<String> key) {
        List<JsonNode> out = new ArrayList<>(key.size());
        key.forEach(k -> out.add(row.get(k)));
        return out;
    }

    /** Primary keys in the transform stage's order: numbers numerically, text by code point, column by column. */
    static int compareKeys(List<JsonNode> a, List<JsonNode> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            JsonNode p = a.get(i);
            JsonNode q = b.get(i);
            int c = p.isNumber() && q.isNumber() ? p.decimalValue().compareTo(q.decimalValue()) : p.asText().compareTo(q.asText());
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    /** Values as the transform stage's index keys them: their JSON text (rows hold numbers in one spelling). */
    private static String valuesKey(List<JsonNode> values) {
        return values.toString();
    }
}
