package io.ferry.core.types;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;

/** BYTES: base64 (RFC 4648, padded); decodes to {@code byte[]}. */
final class BytesCodec implements ValueCodec {

    @Override
    public CanonicalType type() {
        return CanonicalType.BYTES;
    }

    @Override
    public JsonNode encode(Object value) {
        if (value instanceof byte[] b) {
            return Codecs.NODES.textNode(Base64.getEncoder().encodeToString(b));
        }
        if (value instanceof ByteBuffer buffer) {
            ByteBuffer copy = buffer.duplicate();
            byte[] b = new byte[copy.remaining()];
            copy.get(b);
            return Codecs.NODES.textNode(Base64.getEncoder().encodeToString(b));
        }
        throw Codecs.wrongJava(type(), value, "byte[] or ByteBuffer");
    }

    @Override
    public Object decode(JsonNode node) {
        try {
            return Base64.getDecoder().decode(Codecs.text(type(), node));
        } catch (IllegalArgumentException e) {
            throw Codecs.wrongJson(type(), node);
        }
    }

    @Override
    public boolean same(JsonNode a, JsonNode b, Tolerance tolerance) {
        return Arrays.equals((byte[]) decode(a), (byte[]) decode(b));
    }
}
