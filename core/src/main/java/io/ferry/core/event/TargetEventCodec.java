package io.ferry.core.event;

import java.util.ArrayList;
import java.util.List;

/**
 * The target topic's record format: key = {@link KeyCodec} of the target key, or for a marker the
 * reserved key {@code {"__marker": <partition>}},
 * value = {@code {"op": "upsert|delete|patch|marker", "table", "key", "row", "path", "action",
 * "value", "marker", "origin", "origins", "source"}} with the fields each op needs.
 */
public final class TargetEventCodec {

    private TargetEventCodec() {
    }

    /** The key of an event sent to {@code partition}: the target key, or a marker's reserved key. */
    public static byte[] key(TargetEvent event, int partition) {
        return event.match(u -> KeyCodec.encode(u.key()), d -> KeyCodec.encode(d.key()), p -> KeyCodec.encode(p.key()),
                m -> KeyCodec.markerKey(partition));
    }

    public static byte[] value(TargetEvent event) {
        return EventJson.write(g -> {
            g.writeStartObject();
            if (event instanceof TargetEvent.Upsert u) {
                g.writeStringField("op", "upsert");
                g.writeStringField("table", u.table());
                EventJson.writeRowOrNull(g, "key", u.key());
                EventJson.writeRowOrNull(g, "row", u.row());
            } else if (event instanceof TargetEvent.Delete d) {
                g.writeStringField("op", "delete");
                g.writeStringField("table", d.table());
                EventJson.writeRowOrNull(g, "key", d.key());
            } else if (event instanceof TargetEvent.Patch p) {
                g.writeStringField("op", "patch");
                g.writeStringField("table", p.table());
                EventJson.writeRowOrNull(g, "key", p.key());
                g.writeArrayFieldStart("path");
                for (TargetEvent.PathStep step : p.path()) {
                    g.writeStartObject();
                    g.writeStringField("field", step.field());
                    if (step.elementKey() != null) {
                        EventJson.writeRowOrNull(g, "key", step.elementKey());
                    }
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeStringField("action", p.action().wireName());
                if (p.value() != null) {
                    EventJson.writeRowOrNull(g, "value", p.value());
                }
            } else {
                TargetEvent.MarkerPassage m = (TargetEvent.MarkerPassage) event;
                g.writeStringField("op", "marker");
                g.writeNumberField("origin", m.origin());
                g.writeNumberField("origins", m.origins());
                EventJson.writeMarker(g, m.marker());
            }
            EventJson.writeSource(g, event.source());
            g.writeEndObject();
        });
    }

    /**
     * @throws EventFormatException naming the field that is missing or malformed
     */
    public static TargetEvent decode(byte[] value) {
        EventJson.Fields fields = EventJson.Fields.read(value, "target event value");
        String op = fields.text("op", "op");
        SourceInfo source = fields.source();
        try {
            return switch (op) {
                case "upsert" -> new TargetEvent.Upsert(fields.text("table", "table"), fields.row("key"), fields.row("row"), source);
                case "delete" -> new TargetEvent.Delete(fields.text("table", "table"), fields.row("key"), source);
                case "patch" -> new TargetEvent.Patch(fields.text("table", "table"), fields.row("key"), path(fields),
                        action(fields.text("action", "action")), fields.rowOrNull("value"), source);
                case "marker" -> new TargetEvent.MarkerPassage(fields.marker(), source, fields.asInt("origin", 0),
                        fields.asInt("origins", 1));
                default -> throw new EventFormatException("op must be upsert, delete, patch or marker, got '" + op + "'");
            };
        } catch (IllegalArgumentException e) {
            throw e instanceof EventFormatException ef ? ef : new EventFormatException(e.getMessage(), e);
        }
    }

    private static TargetEvent.Patch.Action action(String s) {
        return switch (s) {
            case "set" -> TargetEvent.Patch.Action.SET;
            case "remove" -> TargetEvent.Patch.Action.REMOVE;
            default -> throw new EventFormatException("'action' must be set or remove, got '" + s + "'");
        };
    }

    private static List<TargetEvent.PathStep> path(EventJson.Fields fields) {
        List<EventJson.Fields> path = fields.objects("path");
        if (path == null) {
            throw new EventFormatException("'path' is required for a patch and must be an array");
        }
        List<TargetEvent.PathStep> steps = new ArrayList<>();
        for (EventJson.Fields step : path) {
            steps.add(new TargetEvent.PathStep(step.text("path[].field", "field"), step.rowOrNull("key")));
        }
        return steps;
    }
}
