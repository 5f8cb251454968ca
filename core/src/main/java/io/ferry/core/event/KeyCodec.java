package io.ferry.core.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Kafka record keys: the key columns as a compact JSON object, in key order. Equal keys are equal
 * bytes — whatever Java number class a value came in ({@link Row} normalizes numbers), and whatever
 * order a row held its columns in — so partitioning and compaction treat them as one key.
 */
public final class KeyCodec {

    private KeyCodec() {
    }

    /** The key of a row that already holds exactly the key columns in key order. */
    public static byte[] encode(Row key) {
        return EventJson.write(g -> EventJson.writeRow(g, key), 64);
    }

    /** The key of {@code row} by the given key columns, in that order. */
    public static byte[] encode(List<String> keyColumns, Row row) {
        return encode(project(keyColumns, row));
    }

    /** The key columns of a row, in key order. */
    public static Row project(List<String> keyColumns, Row row) {
        Row.Builder key = Row.builder();
        for (String column : keyColumns) {
            JsonNode value = row.get(column);
            if (value == null) {
                throw new IllegalArgumentException("key column '" + column + "' is missing from row " + row.columns());
            }
            key.put(column, value);
        }
        return key.build();
    }

    /** The field of a marker's reserved key; no source column may be called this. */
    public static final String MARKER_FIELD = "__marker";

    /** The reserved key of a marker on one partition: {@code {"__marker": <partition>}}. */
    public static byte[] markerKey(int partition) {
        return encode(Row.builder().put(MARKER_FIELD, EventJson.NODES.numberNode(partition)).build());
    }

    /** Whether a record key is a marker's reserved key. */
    public static boolean isMarkerKey(Row key) {
        return key.size() == 1 && key.has(MARKER_FIELD);
    }

    public static Row decode(byte[] bytes) {
        return EventJson.Fields.readRow(bytes, "record key");
    }
}
