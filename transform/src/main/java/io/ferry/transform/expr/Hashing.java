package io.ferry.transform.expr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * {@code hash()} and {@code uuid()}: digests of the arguments' canonical JSON array text, e.g.
 * {@code ["a",1,null,"12.50"]} (compact, as Jackson writes it), so equal canonical values always give
 * equal results, whatever the JVM.
 */
final class Hashing {

    /**
     * The namespace of {@code uuid()}: itself the version 5 UUID of the name
     * {@code "io.ferry.transform.expr.uuid"} in RFC 4122's URL namespace
     * (6ba7b811-9dad-11d1-80b4-00c04fd430c8). Changing it would change every generated id.
     */
    static final UUID NAMESPACE = UUID.fromString("33a5cda5-0c75-5808-bad2-6be8e19fd790");

    private Hashing() {
    }

    /** Lower-case hex SHA-256 of the canonical JSON array of the values. */
    static String sha256Hex(List<JsonNode> values) {
        return HexFormat.of().formatHex(digest("SHA-256", bytes(arrayText(values))));
    }

    /** The RFC 4122 version 5 (SHA-1, name-based) UUID of the canonical JSON array of the values in {@link #NAMESPACE}. */
    static UUID uuid(List<JsonNode> values) {
        return nameBased(NAMESPACE, arrayText(values));
    }

    static UUID nameBased(UUID namespace, String name) {
        ByteBuffer input = ByteBuffer.allocate(16 + bytes(name).length);
        input.putLong(namespace.getMostSignificantBits()).putLong(namespace.getLeastSignificantBits()).put(bytes(name));
        byte[] sha1 = digest("SHA-1", input.array());
        sha1[6] = (byte) ((sha1[6] & 0x0f) | 0x50); // version 5
        sha1[8] = (byte) ((sha1[8] & 0x3f) | 0x80); // RFC 4122 variant
        ByteBuffer out = ByteBuffer.wrap(sha1, 0, 16);
        return new UUID(out.getLong(), out.getLong());
    }

    /** The values in canonical form as one compact JSON array. */
    static String arrayText(List<JsonNode> values) {
        ArrayNode array = Values.NODES.arrayNode(values.size());
        values.forEach(v -> array.add(Values.canonical(v)));
        return JsonPaths.write(array);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] digest(String algorithm, byte[] input) {
        try {
            return MessageDigest.getInstance(algorithm).digest(input);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is required of every JVM", e);
        }
    }
}
