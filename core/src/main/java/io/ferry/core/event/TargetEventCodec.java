package io.ferry.core.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
        ObjectNode out = EventJson.NODES.objectNode();
        event.match(u -> {
            out.put("op", "upsert");
            out.put("table", u.table());
            out.set("key", EventJson.row(u.key()));
            return out.set("row", EventJson.row(u.row()));
        }, d -> {
            out.put("op", "delete");
            out.put("table", d.table());
            return out.set("key", EventJson.row(d.key()));
        }, p -> {
            out.put("op", "patch");
            out.put("table", p.table());
            out.set("key", EventJson.row(p.key()));
            ArrayNode path = out.putArray("path");
            for (TargetEvent.PathStep step : p.path()) {
                ObjectNode s = path.addObject().put("field", step.field());
                if (step.elementKey() != null) {
                    s.set("key", EventJson.row(step.elementKey()));
                }
            }
            out.put("action", p.action().wireName());
            return p.value() == null ? out : out.set("value", EventJson.row(p.value()));
        }, m -> {
            out.put("op", "marker");
            out.put("origin", m.origin());
            out.put("origins", m.origins());
            return out.set("marker", EventJson.marker(m.marker()));
        });
        out.set("source", EventJson.source(event.source()));
        return EventJson.write(out);
    }

    /**
     * @throws EventFormatException naming the field that is missing or malformed
     */
    public static TargetEvent decode(byte[] value) {
        ObjectNode node = EventJson.readObject(value, "target event value");
        String op = EventJson.text(node, "op", "op");
        SourceInfo source = EventJson.source(node);
        try {
            return switch (op) {
                case "upsert" -> new TargetEvent.Upsert(EventJson.text(node, "table", "table"), EventJson.row(node, "key"),
                        EventJson.row(node, "row"), source);
                case "delete" -> new TargetEvent.Delete(EventJson.text(node, "table", "table"), EventJson.row(node, "key"), source);
                case "patch" -> new TargetEvent.Patch(EventJson.text(node, "table", "table"), EventJson.row(node, "key"),
                        path(node), action(EventJson.text(node, "action", "action")), EventJson.rowOrNull(node, "value"), source);
                case "marker" -> new TargetEvent.MarkerPassage(EventJson.marker(node), source,
                        node.path("origin").asInt(0), node.path("origins").asInt(1));
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

    private static List<TargetEvent.PathStep> path(JsonNode node) {
        JsonNode path = node.get("path");
        if (path == null || !path.isArray()) {
            throw new EventFormatException("'path' is required for a patch and must be an array");
        }
        List<TargetEvent.PathStep> steps = new ArrayList<>();
        for (JsonNode step : path) {
            String field = EventJson.text(step, "path[].field", "field");
            Row key = EventJson.rowOrNull(step, "key");
            steps.add(new TargetEvent.PathStep(field, key));
        }
        return steps;
    }
}
