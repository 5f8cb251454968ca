package io.ferry.core.schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.core.event.EventFormatException;
import io.ferry.core.event.KeyCodec;
import io.ferry.core.event.Row;
import java.io.IOException;

/**
 * The schema topic's record format: key {@code {"table": "public.users", "version": 3}} (the topic is
 * compacted, and every version stays: events on the retained change topics name the version they were
 * read with), value the {@link TableSchema} as JSON.
 */
public final class TableSchemaCodec {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private TableSchemaCodec() {
    }

    public static byte[] key(TableSchema schema) {
        return KeyCodec.encode(Row.builder().put("table", MAPPER.getNodeFactory().textNode(schema.table().toString()))
                .put("version", MAPPER.getNodeFactory().numberNode(schema.version())).build());
    }

    public static byte[] value(TableSchema schema) {
        try {
            return MAPPER.writeValueAsBytes(schema);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize the schema of " + schema.table(), e);
        }
    }

    public static TableSchema decode(byte[] value) {
        try {
            return MAPPER.readValue(value, TableSchema.class);
        } catch (IOException e) {
            throw new EventFormatException("schema record is malformed: " + e.getMessage(), e);
        }
    }
}
