package io.ferry.core.topic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferry.core.event.EventFormatException;
import io.ferry.core.event.KeyCodec;
import io.ferry.core.event.Marker;
import io.ferry.core.event.Row;
import io.ferry.core.event.SourceInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;

/**
 * JSON codecs of the dead-letter and applied-position records. The fields are documented in the
 * README's "Topics" section; keep the two in step.
 */
public final class TopicRecords {

    private static final ObjectMapper MAPPER = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.core.StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private TopicRecords() {
    }

    /**
     * {@code {"pipeline", "stage", "component", "reason", "error", "time", "origin": {"topic",
     * "partition", "offset"}, "key", "value"}}; the original key and value are embedded as JSON when
     * they are JSON text, else given as {@code keyBase64} / {@code valueBase64}.
     */
    public static byte[] deadLetterValue(DeadLetter d) {
        return deadLetterValue(d, TopicSpec.MAX_RECORD_BYTES);
    }

    /** @param maxRecordBytes the pipeline's record limit ({@code kafka.max_record_size}), which the letter keeps within */
    public static byte[] deadLetterValue(DeadLetter d, int maxRecordBytes) {
        ObjectNode out = NODES.objectNode();
        out.put("pipeline", d.pipeline());
        out.put("stage", d.stage().wireName());
        out.put("component", d.component());
        out.put("reason", d.reason());
        out.put("error", d.error());
        out.put("time", d.time().toString());
        ObjectNode origin = out.putObject("origin");
        origin.put("topic", d.originTopic());
        origin.put("partition", d.originPartition());
        origin.put("offset", d.originOffset());
        embed(out, "key", d.originKey());
        embed(out, "value", d.originValue());
        byte[] bytes = write(out);
        if (bytes.length <= maxRecordBytes) {
            return bytes;
        }
        // a letter Kafka would refuse would fail its stage: the origin value stays in its topic, at the origin named
        out.remove("value");
        out.remove("valueBase64");
        out.put("valueOmitted", d.originValue() == null ? 0 : d.originValue().length);
        if (d.error() != null && d.error().length() > 65_536) {
            out.put("error", d.error().substring(0, 65_536) + "… (" + d.error().length() + " characters)");
        }
        return write(out);
    }

    public static DeadLetter deadLetter(byte[] value) {
        JsonNode n = read(value, "dead letter");
        JsonNode origin = n.path("origin");
        return new DeadLetter(n.path("pipeline").asText(), DeadLetter.Stage.valueOf(n.path("stage").asText().toUpperCase(Locale.ROOT)),
                n.path("component").asText(), n.path("reason").asText(), n.path("error").isNull() ? null : n.path("error").asText(),
                Instant.parse(n.path("time").asText()), origin.path("topic").asText(), origin.path("partition").asInt(),
                origin.path("offset").asLong(), extract(n, "key"), extract(n, "value"));
    }

    /** Key of the applied-positions topic: {@code {"sink", "topic", "partition"}}. */
    public static byte[] appliedPositionKey(String sink, String topic, int partition) {
        return KeyCodec.encode(Row.builder().put("sink", NODES.textNode(sink)).put("topic", NODES.textNode(topic))
                .put("partition", NODES.numberNode(partition)).build());
    }

    /**
     * {@code {"pipeline", "sink", "topic", "partition", "offset", "lastSource": {source}|null,
     * "lastMarker": {"id", "tsUs", "kind"}|null, "rowsApplied", "committedAt"}}.
     */
    public static byte[] appliedPositionValue(AppliedPosition p) {
        ObjectNode out = NODES.objectNode();
        out.put("pipeline", p.pipeline());
        out.put("sink", p.sink());
        out.put("topic", p.topic());
        out.put("partition", p.partition());
        out.put("offset", p.offset());
        if (p.lastSource() == null) {
            out.putNull("lastSource");
        } else {
            ObjectNode s = out.putObject("lastSource");
            s.put("db", p.lastSource().db());
            s.put("pos", p.lastSource().pos());
            s.put("order", p.lastSource().order());
            s.put("txId", p.lastSource().txId());
            s.put("txSeq", p.lastSource().txSeq());
            s.put("tsUs", p.lastSource().tsUs());
            s.put("snapshot", p.lastSource().snapshot());
            s.put("stampUs", p.lastSource().stampUs());
        }
        if (p.lastMarker() == null) {
            out.putNull("lastMarker");
        } else {
            out.putObject("lastMarker").put("id", p.lastMarker().id()).put("tsUs", p.lastMarker().tsUs())
                    .put("kind", p.lastMarker().kind().wireName());
        }
        out.put("rowsApplied", p.rowsApplied());
        out.put("committedAt", p.committedAt().toString());
        return write(out);
    }

    public static AppliedPosition appliedPosition(byte[] value) {
        JsonNode n = read(value, "applied position");
        JsonNode s = n.path("lastSource");
        SourceInfo source = s.isObject() ? new SourceInfo(s.path("db").asText(), s.path("pos").asText(), s.path("order").asLong(),
                s.path("txId").isNull() ? null : s.path("txId").asText(), s.path("txSeq").asLong(), s.path("tsUs").asLong(),
                s.path("snapshot").asBoolean(), s.path("stampUs").asLong())
                : null;
        JsonNode m = n.path("lastMarker");
        Marker marker = m.isObject() ? new Marker(m.path("id").asLong(), m.path("tsUs").asLong(),
                Marker.Kind.fromWire(m.path("kind").asText())) : null;
        return new AppliedPosition(n.path("pipeline").asText(), n.path("sink").asText(), n.path("topic").asText(),
                n.path("partition").asInt(), n.path("offset").asLong(), source, marker, n.path("rowsApplied").asLong(),
                Instant.parse(n.path("committedAt").asText()));
    }

    private static void embed(ObjectNode out, String field, byte[] bytes) {
        if (bytes == null) {
            out.putNull(field);
            return;
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
            JsonNode json = MAPPER.readTree(text);
            if (json != null && MAPPER.writeValueAsString(json).equals(text)) {
                out.set(field, json);
                return;
            }
        } catch (IOException e) {
            // not UTF-8 JSON: fall through to base64
        }
        out.put(field + "Base64", Base64.getEncoder().encodeToString(bytes));
    }

    private static byte[] extract(JsonNode n, String field) {
        JsonNode b64 = n.get(field + "Base64");
        if (b64 != null) {
            return Base64.getDecoder().decode(b64.asText());
        }
        JsonNode json = n.get(field);
        return json == null || json.isNull() ? null : write(json);
    }

    private static byte[] write(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode read(byte[] value, String what) {
        try {
            JsonNode n = MAPPER.readTree(value);
            if (n == null || !n.isObject()) {
                throw new EventFormatException(what + " must be a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new EventFormatException(what + " is not valid JSON: " + e.getMessage(), e);
        }
    }
}
