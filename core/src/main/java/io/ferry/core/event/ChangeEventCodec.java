package io.ferry.core.event;

/**
 * The change topic's record format: key = {@link KeyCodec} of the primary key, or for a marker the
 * reserved key {@code {"__marker": <partition>}} (never null: Kafka Streams drops null-key records in
 * tables, aggregations and repartitions); value = {@code {"op": "c|u|d|r", "table", "before", "after",
 * "source", "schemaVersion"}} (and {@code "keyChange"} on either half of a primary-key change) or, for a marker,
 * {@code {"op": "m", "marker": {"id", "tsUs", "kind"}, "source"}}.
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
        return EventJson.write(g -> {
            g.writeStartObject();
            if (event instanceof ChangeEvent.RowChange row) {
                g.writeStringField("op", row.op().code());
                g.writeStringField("table", row.table().toString());
                EventJson.writeRowOrNull(g, "before", row.before());
                EventJson.writeRowOrNull(g, "after", row.after());
                EventJson.writeSource(g, row.source());
                g.writeNumberField("schemaVersion", row.schemaVersion());
                if (row.keyChange() != null) {
                    EventJson.writeRowOrNull(g, "keyChange", row.keyChange());
                }
            } else {
                ChangeEvent.MarkerEvent marker = (ChangeEvent.MarkerEvent) event;
                g.writeStringField("op", MARKER_OP);
                EventJson.writeMarker(g, marker.marker());
                EventJson.writeSource(g, marker.source());
            }
            g.writeEndObject();
        });
    }

    /**
     * @throws EventFormatException naming the field that is missing or malformed
     */
    public static ChangeEvent decode(byte[] key, byte[] value) {
        EventJson.Fields fields = EventJson.Fields.read(value, "change event value");
        String op = fields.text("op", "op");
        if (MARKER_OP.equals(op)) {
            return new ChangeEvent.MarkerEvent(fields.marker(), fields.source());
        }
        ChangeEvent.Op kind = ChangeEvent.Op.fromCode(op);
        Row after = fields.rowOrNull("after");
        if (kind != ChangeEvent.Op.DELETE && after == null) {
            throw new EventFormatException("'after' is required for op '" + op + "'");
        }
        try {
            return new ChangeEvent.RowChange(kind, TableId.parse(fields.text("table", "table")),
                    KeyCodec.decode(key), fields.rowOrNull("before"), kind == ChangeEvent.Op.DELETE ? null : after,
                    fields.source(), fields.asInt("schemaVersion", 0), kind == ChangeEvent.Op.DELETE || kind == ChangeEvent.Op.CREATE
                            ? fields.rowOrNull("keyChange") : null);
        } catch (IllegalArgumentException e) {
            throw e instanceof EventFormatException ef ? ef : new EventFormatException(e.getMessage(), e);
        }
    }
}
