package io.ferry.core.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The change topic's record format: key = {@link KeyCodec} of the primary key, or for a marker the
 * reserved key {@code {"__marker": <partition>}} (never null: Kafka Streams drops null-key records in
 * tables, aggregations and repartitions); value = {@code {"op": "c|u|d|r", "table", "before", "after",
 * "source", "schemaVersion"}} or, for a marker, {@code {"op": "m", "marker": {"id", "tsUs", "kind"}, "source"}}.
 */
public final class ChangeEventCodec {

    private static final String MARKER_OP = "m";

    private ChangeEventCodec() {
    }

    /** The key of a row change. */
    public static byte[] key(ChangeEvent.RowChange row) {
        return KeyCodec.encode(row.key());
    }

    /**
     * The key of an event sent to {@code partition}: a row's primary key, or a marker's reserved key
     * (markers are sent to each partition explicitly).
     */
    public static byte[] key(ChangeEvent event, int partition) {
        return event.match(ChangeEventCodec::key, marker -> KeyCodec.markerKey(partition));
    }

    public static byte[] value(ChangeEvent event) {
        ObjectNode out = EventJson.NODES.objectNode();
        event.match(row -> {
            out.put("op", row.op().code());
            out.put("table", row.table().toString());
            out.set("before", row.before() == null ? EventJson.NODES.nullNode() : EventJson.row(row.before()));
            out.set("after", row.after() == null ? EventJson.NODES.nullNode() : EventJson.row(row.after()));
            out.set("source", EventJson.source(row.source()));
            return out.put("schemaVersion", row.schemaVersion());
        }, marker -> {
            out.put("op", MARKER_OP);
            out.set("marker", EventJson.marker(marker.marker()));
            return out.set("source", EventJson.source(marker.source()));
        });
        return EventJson.write(out);
    }

    /**
     * @throws EventFormatException naming the field that is missing or malformed
     */
    public static ChangeEvent decode(byte[] key, byte[] value) {
        ObjectNode node = EventJson.readObject(value, "change event value");
        String op = EventJson.text(node, "op", "op");
        if (MARKER_OP.equals(op)) {
            return new ChangeEvent.MarkerEvent(EventJson.marker(node), EventJson.source(node));
        }
        ChangeEvent.Op kind = ChangeEvent.Op.fromCode(op);
        Row after = EventJson.rowOrNull(node, "after");
        if (kind != ChangeEvent.Op.DELETE && after == null) {
            throw new EventFormatException("'after' is required for op '" + op + "'");
        }
        JsonNode version = node.get("schemaVersion");
        try {
            return new ChangeEvent.RowChange(kind, TableId.parse(EventJson.text(node, "table", "table")),
                    KeyCodec.decode(key), EventJson.rowOrNull(node, "before"), kind == ChangeEvent.Op.DELETE ? null : after,
                    EventJson.source(node), version == null ? 0 : version.asInt());
        } catch (IllegalArgumentException e) {
            throw e instanceof EventFormatException ef ? ef : new EventFormatException(e.getMessage(), e);
        }
    }
}
